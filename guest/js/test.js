// The script of the paper's Fig. 14 (upstream's test/js/test.js does the
// same work): base64 of "Hello There" by hand, handed to the host.
function toBase64(text) {
  var alphabet =
      'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  var out = '';
  for (var i = 0; i < text.length; i += 3) {
    var a = text.charCodeAt(i);
    var b = i + 1 < text.length ? text.charCodeAt(i + 1) : 0;
    var c = i + 2 < text.length ? text.charCodeAt(i + 2) : 0;
    var bits = (a << 16) | (b << 8) | c;
    out += alphabet.charAt((bits >> 18) & 63) + alphabet.charAt((bits >> 12) & 63);
    out += i + 1 < text.length ? alphabet.charAt((bits >> 6) & 63) : '=';
    out += i + 2 < text.length ? alphabet.charAt(bits & 63) : '=';
  }
  return out;
}

hcall_return(toBase64('Hello There'));
