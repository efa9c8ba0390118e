// The C heap over the runtime's (guest/runtime/malloc.c). Every block starts
// with a header naming the runtime block it lives in, so that blocks of
// aligned_alloc, which start past an alignment gap, are freed and
// reallocated like any other. Failures set errno to ENOMEM, as glibc does.
#include "guest/vcc/libc.h"

struct header {
  char* base;   // what wasp_malloc returned
  size_t size;  // bytes the caller asked for
};
_Static_assert(sizeof(struct header) == 16, "payloads stay 16-byte aligned");

static struct header* header_of(void* ptr) { return (struct header*)ptr - 1; }

// `size` bytes aligned to `alignment`, a power of two.
static void* allocate(size_t size, size_t alignment) {
  // wasp_malloc's blocks are 16-byte aligned already.
  size_t extra = sizeof(struct header) + (alignment > 16 ? alignment - 16 : 0);
  char* base = size <= SIZE_MAX - extra ? wasp_malloc(size + extra) : NULL;
  if (base == NULL) {
    __vcc_fail(VCC_ENOMEM);
    return NULL;
  }
  uintptr_t payload =
      ((uintptr_t)base + sizeof(struct header) + alignment - 1) &
      ~(uintptr_t)(alignment - 1);
  *header_of((void*)payload) = (struct header){.base = base, .size = size};
  return (void*)payload;
}

void* malloc(size_t size) { return allocate(size, 16); }

void free(void* ptr) {
  if (ptr != NULL) wasp_free(header_of(ptr)->base);  // which checks it
}

void* calloc(size_t count, size_t size) {
  if (size != 0 && count > SIZE_MAX / size) {
    __vcc_fail(VCC_ENOMEM);
    return NULL;
  }
  void* ptr = allocate(count * size, 16);
  if (ptr != NULL) memset(ptr, 0, count * size);
  return ptr;
}

void* realloc(void* ptr, size_t size) {
  if (ptr == NULL) return malloc(size);
  if (size == 0) {  // glibc frees and returns NULL
    free(ptr);
    return NULL;
  }
  struct header* header = header_of(ptr);
  if (header->base == (char*)header) {  // not over-aligned: grow in place
    char* base = size <= SIZE_MAX - sizeof *header
                     ? wasp_realloc(header->base, size + sizeof *header)
                     : NULL;
    if (base == NULL) {
      __vcc_fail(VCC_ENOMEM);
      return NULL;  // ptr stays valid
    }
    ((struct header*)base)->size = size;
    return base + sizeof *header;
  }
  void* moved = malloc(size);
  if (moved == NULL) return NULL;
  memcpy(moved, ptr, header->size < size ? header->size : size);
  free(ptr);
  return moved;
}

static int is_power_of_two(size_t n) { return n != 0 && (n & (n - 1)) == 0; }

void* aligned_alloc(size_t alignment, size_t size) {
  if (!is_power_of_two(alignment)) {
    __vcc_fail(VCC_EINVAL);
    return NULL;
  }
  return allocate(size, alignment < 16 ? 16 : alignment);
}

void* memalign(size_t alignment, size_t size) {
  return aligned_alloc(alignment, size);
}

int posix_memalign(void** out, size_t alignment, size_t size) {
  if (!is_power_of_two(alignment) || alignment % sizeof(void*) != 0) {
    return VCC_EINVAL;
  }
  int saved = *__errno_location();  // posix_memalign leaves errno alone
  void* ptr = aligned_alloc(alignment, size);
  *__errno_location() = saved;
  if (ptr == NULL) return VCC_ENOMEM;
  *out = ptr;
  return 0;
}
