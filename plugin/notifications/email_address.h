/* email_address.h — the console's check of an email address before the cloud is asked: one
 * address, local@domain.tld, printable ASCII without spaces or list separators, at most 254
 * characters (RFC 5321's path limit). The cloud checks again. */
#ifndef MDR_NOTIFICATIONS_EMAIL_ADDRESS_H
#define MDR_NOTIFICATIONS_EMAIL_ADDRESS_H

#define MDR_EMAIL_MAX 254

/* 1 when `s` is one acceptable address, else 0. */
int mdr_email_address_valid(const char *s);

#endif
