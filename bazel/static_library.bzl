"""static_library: one archive holding the objects of a cc_library and of
every cc_library it depends on, for embedders who link with -lwasp."""

def _static_library_impl(ctx):
    archives = []
    for dep in ctx.attr.deps:
        for linker_input in dep[CcInfo].linking_context.linker_inputs.to_list():
            for library in linker_input.libraries:
                archive = library.pic_static_library or library.static_library
                if archive:
                    archives.append(archive)
    out = ctx.actions.declare_file("lib%s.a" % ctx.attr.library_name)
    script = ["create " + out.path]
    script += ["addlib " + a.path for a in archives]
    script += ["save", "end"]
    ctx.actions.run_shell(
        inputs = archives,
        outputs = [out],
        command = "printf '%%s\\n' %s | ar -M" %
                  " ".join(["'%s'" % line for line in script]),
        mnemonic = "StaticLibrary",
        progress_message = "Archiving %s" % out.short_path,
    )
    return [DefaultInfo(files = depset([out]))]

static_library = rule(
    implementation = _static_library_impl,
    attrs = {
        "deps": attr.label_list(providers = [CcInfo]),
        "library_name": attr.string(mandatory = True),
    },
)
