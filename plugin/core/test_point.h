/* test_point.h — named kill points for the crash-safety tests (docs/module.md "Kill points").
 *
 * mdr_test_point("ksn.after_host_install") marks a commit boundary: the moment between two
 * stores (the host's and the module's, the cloud's and the module's) or between two commits
 * of one flow. In a build with MDR_TEST_POINTS (the CMake option of the same name), when the
 * process environment has MDR_TEST_KILL_AT=<that name>, the process writes
 * "mdr test point: killed at <name>" to stderr and raises SIGKILL on itself there: nothing
 * after it runs, no handler, no atexit, exactly as a power cut or an OOM kill. Without the
 * variable a point costs one getenv.
 *
 * Why a build option rather than always compiled in: a shipped module should hold no way to
 * kill its host, not even one behind an environment variable (an operator's stray variable,
 * a copied test script). The option is ON by default so every developer and CI build (Debug,
 * Release, sanitizers) runs the kill matrix on the code it ships; packaging refuses a build
 * with it ON (installer/packaging.cmake), so packages are always built with it OFF, where a
 * point compiles to nothing. */
#ifndef MDR_TEST_POINT_H
#define MDR_TEST_POINT_H

#ifdef MDR_TEST_POINTS
void mdr_test_point(const char *name);
#else
#define mdr_test_point(name) ((void)0)
#endif

#endif
