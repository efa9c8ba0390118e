// A first-fit allocator over one bounded region: free blocks form a list
// in address order, so freeing a block merges it with free neighbours and
// the heap does not fragment into slivers. The region never grows; when no
// free block fits, wasp_malloc returns NULL.
#include "guest/runtime/internal.h"
#include "guest/runtime/wasp.h"

// Every block starts with this header and is 16-byte aligned, so payloads
// are aligned for any type, SSE included.
struct block {
  size_t size;         // bytes, header included; a multiple of kAlign
  struct block* next;  // free: the next free block; in use: BLOCK_IN_USE
};

enum { kAlign = 16, kMinBlock = 2 * sizeof(struct block) };

// Odd, so never a block address: marks a block in use.
#define BLOCK_IN_USE ((struct block*)0x5a5a5a5a5a5a5a5bull)

_Static_assert(sizeof(struct block) == kAlign, "payloads stay aligned");

extern char __wasp_image_end[];  // bazel/guest.ld: end of .bss, page aligned

static uintptr_t heap_begin, heap_end;
static struct block* free_list;

void __wasp_heap_init(uintptr_t stack_top) {
  heap_begin = (uintptr_t)__wasp_image_end;
  heap_end = stack_top > WASP_STACK_RESERVE
                 ? (stack_top - WASP_STACK_RESERVE) & ~(uintptr_t)(kAlign - 1)
                 : 0;
  free_list = NULL;
  if (heap_end < heap_begin + kMinBlock) {  // too little memory: no heap
    heap_end = heap_begin;
    return;
  }
  free_list = (struct block*)heap_begin;
  *free_list = (struct block){.size = heap_end - heap_begin, .next = NULL};
}

// Bytes of block for a payload of `size`, or 0 if that cannot fit.
static size_t block_size(size_t size) {
  if (size > heap_end - heap_begin) return 0;
  size_t bytes =
      (size + sizeof(struct block) + kAlign - 1) & ~(size_t)(kAlign - 1);
  return bytes < kMinBlock ? kMinBlock : bytes;
}

static struct block* header_of(void* ptr) {
  struct block* b = (struct block*)ptr - 1;
  // A pointer not from wasp_malloc, or freed twice: fault the virtine
  // rather than corrupt the heap.
  if ((uintptr_t)b < heap_begin || (uintptr_t)b >= heap_end ||
      (uintptr_t)b % kAlign != 0 || b->next != BLOCK_IN_USE) {
    __builtin_trap();
  }
  return b;
}

// Puts b back in the free list, merged with the free blocks it touches.
static void release(struct block* b) {
  struct block *prev = NULL, *next = free_list;
  while (next != NULL && next < b) {
    prev = next;
    next = next->next;
  }
  b->next = next;
  if (next != NULL && (char*)b + b->size == (char*)next) {
    b->size += next->size;
    b->next = next->next;
  }
  if (prev == NULL) {
    free_list = b;
  } else if ((char*)prev + prev->size == (char*)b) {
    prev->size += b->size;
    prev->next = b->next;
  } else {
    prev->next = b;
  }
}

// Returns the bytes of b past `size` to the heap if they make a block.
static void trim(struct block* b, size_t size) {
  if (b->size - size < kMinBlock) return;
  struct block* rest = (struct block*)((char*)b + size);
  rest->size = b->size - size;
  b->size = size;
  release(rest);
}

void* wasp_malloc(size_t size) {
  size_t need = block_size(size == 0 ? 1 : size);
  if (need == 0) return NULL;
  for (struct block** link = &free_list; *link != NULL; link = &(*link)->next) {
    struct block* b = *link;
    if (b->size < need) continue;
    *link = b->next;
    b->next = BLOCK_IN_USE;
    trim(b, need);
    return b + 1;
  }
  return NULL;
}

void wasp_free(void* ptr) {
  if (ptr != NULL) release(header_of(ptr));
}

void* wasp_calloc(size_t count, size_t size) {
  size_t bytes;
  if (__builtin_mul_overflow(count, size, &bytes)) return NULL;
  void* ptr = wasp_malloc(bytes);
  if (ptr != NULL) memset(ptr, 0, bytes);
  return ptr;
}

// Grows b in place by taking the free block right after it, if that is
// enough; returns whether b now holds `need` bytes.
static int grow_in_place(struct block* b, size_t need) {
  char* end = (char*)b + b->size;
  for (struct block** link = &free_list; *link != NULL; link = &(*link)->next) {
    struct block* next = *link;
    if ((char*)next < end) continue;
    if ((char*)next != end || b->size + next->size < need) return 0;
    *link = next->next;
    b->size += next->size;
    trim(b, need);
    return 1;
  }
  return 0;
}

void* wasp_realloc(void* ptr, size_t size) {
  if (ptr == NULL) return wasp_malloc(size);
  struct block* b = header_of(ptr);
  if (size == 0) {
    release(b);
    return NULL;
  }
  size_t need = block_size(size);
  if (need == 0) return NULL;
  if (need <= b->size) {
    trim(b, need);
    return ptr;
  }
  if (grow_in_place(b, need)) return ptr;
  void* moved = wasp_malloc(size);
  if (moved == NULL) return NULL;  // ptr stays valid, as in C
  memcpy(moved, ptr, b->size - sizeof(struct block));
  release(b);
  return moved;
}
