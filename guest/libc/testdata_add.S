/* An assembly source in a newlib image: long wasp_test_add(long, long). */
  .text
  .globl wasp_test_add
  .type wasp_test_add, @function
wasp_test_add:
  lea (%rdi, %rsi), %rax
  ret
  .size wasp_test_add, . - wasp_test_add
  .section .note.GNU-stack, "", @progbits
