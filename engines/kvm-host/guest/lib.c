/* The two libc functions the compiler may emit calls to in a freestanding build. */
#include "guest.h"

void *memset(void *d, int c, size_t n) {
  __asm__ volatile("rep stosb" : "+D"(d), "+c"(n) : "a"(c) : "memory");
  return d;
}

void *memcpy(void *d, const void *s, size_t n) {
  void *ret = d;
  __asm__ volatile("rep movsb" : "+D"(d), "+S"(s), "+c"(n)::"memory");
  return ret;
}
