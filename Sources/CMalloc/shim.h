// glibc's mallinfo2, which the Glibc module of Swift leaves out: the memory
// limit of a run measures the heap in use with it (CivicRuntime/SystemMeasures.swift).
#if __has_include(<malloc.h>)
#include <malloc.h>
#endif
