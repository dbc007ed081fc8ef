/* The KSN configuration file inside an MDR configuration ZIP (from memory). The archive
 * also holds a BLOB (.p7) and a BAT file; the KSN file is the one entry named *.pkcs7 or
 * *.pem. */
#ifndef MDR_KSN_ZIP_H
#define MDR_KSN_ZIP_H

#include "ksn_verify.h"

/* Finds the KSN file: *file (malloc'd, caller frees) and its entry name (malloc'd, may be
 * NULL if not wanted). No such entry → MDR_KSN_ERR_ARCHIVE_NO_FILE; more than one →
 * MDR_KSN_ERR_ARCHIVE_SEVERAL; not a ZIP, or an entry larger than MDR_KSN_MAX_FILE →
 * MDR_KSN_ERR_ARCHIVE. */
mdr_ksn_status mdr_ksn_find_in_zip(const void *zip, size_t zip_len, void **file, size_t *file_len,
                                   char **entry_name, mdr_ksn_error *err);

/* Finds and verifies it (mdr_ksn_verify). On MDR_KSN_OK, *file and *file_len (if file is not
 * NULL) hold the KSN file's bytes for installation (caller frees). */
mdr_ksn_status mdr_ksn_verify_zip(const void *zip, size_t zip_len,
                                  const char *trust_anchor_pem_path, int64_t now_ms,
                                  mdr_ksn_info *out, void **file, size_t *file_len,
                                  mdr_ksn_error *err);

#endif
