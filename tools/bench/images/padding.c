// Read-only padding that makes an image WASP_PADDING bytes larger, for the
// image-size benchmark (upstream paper, Fig. 12). Initialised, so that it is
// in the image file; `used`, so that the linker keeps it.
__attribute__((used)) static const unsigned char padding[WASP_PADDING] = {1};
