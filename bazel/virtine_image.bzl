"""virtine_image: a guest program built into a flat image that Wasp loads.

    load("//bazel:virtine_image.bzl", "virtine_image")

    virtine_image(name = "hello", srcs = ["start.asm", "hello.c"])

defines
  :hello.bin   the flat image, for `data = [...]` of tests and for the CLI;
  :hello.elf   the linked ELF, for objdump and gdb (not with flat = True);
  :hello       a cc_library whose header "<package>/hello_image.h" declares
               `wasp::Image wasp::images::hello()` over the embedded bytes.

With flat = True the one .asm source is assembled by `nasm -f bin` and sets
its own `org`/`bits`; its entry is the load address and nothing is read-only.
Otherwise .c and .asm sources are compiled freestanding, linked by
bazel/guest.ld at load_address, and the entry is `_start`. With
libc = "newlib", .c and .S sources are compiled against newlib instead (see
docs/guest-libc.md).
"""

# Code generation every guest object needs (third_party/newlib builds the
# guest libc with these too): no red zone, absolute addresses, no canary
# (it would read %fs), no unwind tables.
GUEST_CODEGEN_FLAGS = [
    "-mno-red-zone",
    "-fno-pic",
    "-fno-pie",
    "-fno-stack-protector",
    "-mcmodel=small",
    "-fno-asynchronous-unwind-tables",
]

# How guest C is compiled; guest/vcc builds its archive with the same.
GUEST_CFLAGS = [
    "-ffreestanding",
    "-nostdlib",
] + GUEST_CODEGEN_FLAGS + [
    "-O2",
    "-std=gnu11",
    "-I.",
    "-I$(GENDIR)",
]

# The sources includes_runtime adds: a filegroup of .c/.asm/.h files that
# provides `_start` and the hypercall wrappers.
_GUEST_RUNTIME = "//guest/runtime:srcs"

_LINKER_SCRIPT = "//bazel:guest.ld"

# Declares wasp::Image, which every generated header returns.
_IMAGE_LIBRARY = "//engine:image"

def _hex(n):
    digits = ""
    for _ in range(16):
        digits = "0123456789abcdef"[n % 16] + digits
        n //= 16
        if n == 0:
            break
    return "0x" + digits

def _check_identifier(name):
    for c in name.elems():
        if not (c.isalnum() or c == "_"):
            fail("virtine_image: name %r must be a C++ identifier" % name)
    if name[0].isdigit():
        fail("virtine_image: name %r must be a C++ identifier" % name)

def _locations(labels):
    return " ".join(["$(locations %s)" % label for label in labels])

def _flat_image(name, srcs, hdrs, **kwargs):
    if len(srcs) != 1 or not srcs[0].endswith(".asm"):
        fail("virtine_image: flat = True takes exactly one .asm source")
    asm = srcs[0]
    native.genrule(
        name = name + "_assemble",
        srcs = srcs + hdrs,
        outs = [name + ".bin"],
        cmd = "nasm -f bin -I./ -I$$(dirname $(location %s))/ -o $@ $(location %s)" %
              (asm, asm),
        **kwargs
    )

# libc = "newlib": the guest libc (third_party/newlib) and its OS hooks on
# hypercalls (guest/libc, which provides _start).
_NEWLIB_LIBS = ["//third_party/newlib:libc.a", "//third_party/newlib:libm.a"]
_NEWLIB_HEADERS = "//third_party/newlib:include.tar"
_NEWLIB_HOOKS = "//guest/libc:srcs"

# Hosted C against newlib's headers (and gcc's own: stddef.h, stdarg.h, ...).
_NEWLIB_CFLAGS = GUEST_CODEGEN_FLAGS + [
    "-O2",
    "-std=gnu11",
    "-nostdinc",
    "-isystem $$(gcc -print-file-name=include)",
    "-isystem $$objs/newlib",
    "-I.",
    "-I$(GENDIR)",
]

def _compile_and_link(name, srcs, cflags, load_address, libs):
    """The shell that compiles `srcs` into $$objs and links the image."""
    return [
        "n=0; linked=",
        "for s in %s; do" % _locations(srcs),
        "  n=$$((n + 1)); o=$$objs/$$n.o",
        "  case $$s in",
        "    *.c|*.S|*.s) gcc %s -c $$s -o $$o ;;" % cflags,
        "    *.asm) nasm -f elf64 -I./ -I$$(dirname $$s)/ -o $$o $$s ;;",
        "    *.S) gcc %s -c $$s -o $$o ;;" % cflags,
        "    *.h|*.inc|*.mac) continue ;;",
        "    *) echo \"virtine_image: cannot build $$s (want .c, .S or .asm)\" >&2; exit 1 ;;",
        "  esac",
        "  linked=\"$$linked $$o\"",
        "done",
        "ld -nostdlib -static -T $(location %s) -z noexecstack" % _LINKER_SCRIPT +
        " --require-defined=_start" +
        " --no-warn-rwx-segments --defsym=__wasp_load_address=%s" % _hex(load_address) +
        " -o $(location %s.elf) $$linked %s" % (name, libs),
        "objcopy -O binary $(location %s.elf) $(location %s.bin)" % (name, name),
        "rm -rf $$objs",
    ]

def _linked_image(name, srcs, hdrs, load_address, copts, libc, **kwargs):
    objs = "$(RULEDIR)/_%s_objs" % name
    setup = ["objs=%s; rm -rf $$objs; mkdir -p $$objs" % objs]
    extra_srcs = []
    if libc == "newlib":
        srcs = [_NEWLIB_HOOKS] + srcs
        extra_srcs = _NEWLIB_LIBS + [_NEWLIB_HEADERS]
        setup.append("mkdir $$objs/newlib && tar xf $(location %s) -C $$objs/newlib" %
                     _NEWLIB_HEADERS)
        cflags = " ".join(_NEWLIB_CFLAGS + copts)
        libs = "--start-group %s $$(gcc -print-libgcc-file-name) --end-group" % (
            " ".join(["$(location %s)" % lib for lib in _NEWLIB_LIBS]))
    elif libc == None:
        cflags = " ".join(GUEST_CFLAGS + copts)
        libs = ""
    else:
        fail("virtine_image: libc must be None or \"newlib\", not %r" % libc)
    cmd = "\n".join(setup + _compile_and_link(name, srcs, cflags, load_address, libs))
    native.genrule(
        name = name + "_link",
        srcs = srcs + hdrs + extra_srcs + [_LINKER_SCRIPT],
        outs = [name + ".elf", name + ".bin"],
        cmd = cmd,
        **kwargs
    )

def _header(name, symbol, load_address, flat, **kwargs):
    """Writes <name>_image.h; entry and read-only size come from the ELF.

    ld has already checked that _start exists (--require-defined).
    """
    if flat:
        srcs = []
        layout = "entry=%s; ro_size=0x0" % _hex(load_address)
    else:
        srcs = [name + ".elf"]
        layout = "\n".join([
            "syms=$$(nm $(location %s.elf))" % name,
            "entry=$$(echo \"$$syms\" | awk '$$3 == \"_start\" { print $$1 }')",
            "ro_end=$$(echo \"$$syms\" | awk '$$3 == \"__wasp_ro_end\" { print $$1 }')",
            "entry=$$(printf '0x%x' $$((0x$$entry)))",
            "ro_size=$$(printf '0x%%x' $$((0x$$ro_end - %s)))" % _hex(load_address),
        ])
    start = "_binary_%s_start" % symbol
    end = "_binary_%s_end" % symbol
    text = [
        "#pragma once",
        "// Generated by virtine_image(name = \"%s\"); do not edit." % name,
        "#include \"engine/image.h\"",
        "extern \"C\" const unsigned char %s[], %s[];" % (start, end),
        "namespace wasp::images {",
        "inline wasp::Image %s() {" % name,
        "  return wasp::Image{\"%s\", {%s, static_cast<size_t>(%s - %s)}," %
        (name, start, end, start),
        "                     %s, $$entry, $$ro_size};" % _hex(load_address),
        "}",
        "}  // namespace wasp::images",
    ]
    native.genrule(
        name = name + "_header",
        srcs = srcs,
        outs = [name + "_image.h"],
        cmd = layout + "\ncat > $@ <<EOF\n" + "\n".join(text) + "\nEOF\n",
        **kwargs
    )

def virtine_image(
        name,
        srcs,
        flat = False,
        load_address = 0x8000,
        copts = [],
        hdrs = [],
        includes_runtime = False,
        libc = None,
        visibility = None,
        **kwargs):
    """A guest program as a flat image plus a cc_library that embeds it.

    Args:
      name: target name; also the C++ function wasp::images::<name>().
      srcs: .c, .S and .asm sources, or with flat = True exactly one .asm.
      flat: assemble the one .asm source with `nasm -f bin`.
      load_address: guest-physical address of the first byte.
      copts: extra gcc flags for the .c sources.
      hdrs: headers (files or filegroups) the sources include, e.g.
        "//guest/abi:hypercall.h"; paths are relative to the workspace root.
      includes_runtime: also build the guest runtime, the filegroup
        //guest/runtime:srcs (which provides _start).
      libc: "newlib" to compile against newlib's headers and link its libc.a
        and libm.a with the hooks of //guest/libc (which provide _start and
        the hypercall wrappers of guest/runtime/wasp.h); see
        docs/guest-libc.md. Not with includes_runtime.
      visibility: of every generated target.
      **kwargs: common attributes (tags, testonly) of every generated target.
    """
    _check_identifier(name)
    kwargs["visibility"] = visibility
    if flat:
        if copts or includes_runtime or libc:
            fail("virtine_image: flat = True takes no copts, runtime or libc")
        _flat_image(name, srcs, hdrs, **kwargs)
    else:
        if includes_runtime and libc:
            fail("virtine_image: includes_runtime and libc exclude each other")
        runtime = [_GUEST_RUNTIME] if includes_runtime else []
        _linked_image(name, runtime + srcs, hdrs, load_address, copts, libc, **kwargs)

    package = native.package_name()
    image_path = (package + "/" if package else "") + name + ".bin"
    symbol = "".join([c if c.isalnum() else "_" for c in image_path.elems()])
    _header(name, symbol, load_address, flat, **kwargs)

    # objcopy names the symbols after the input path, so it runs from the
    # output root to get _binary_<package>_<name>_bin_{start,end}.
    native.genrule(
        name = name + "_embed",
        srcs = [name + ".bin"],
        outs = [name + "_image.o"],
        cmd = "cd $(BINDIR) && objcopy -I binary -O elf64-x86-64" +
              " -B i386:x86-64 --rename-section" +
              " .data=.rodata,alloc,load,readonly,data,contents" +
              " --add-section .note.GNU-stack=/dev/null " +
              image_path + " $$OLDPWD/$@",
        **kwargs
    )
    native.cc_library(
        name = name,
        srcs = [name + "_image.o"],
        hdrs = [name + "_image.h"],
        linkstatic = True,
        deps = [_IMAGE_LIBRARY],
        **kwargs
    )
