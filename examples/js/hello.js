// A function service for wasp-server's JavaScript app (docs/js.md). Each
// request runs handle() in a virtine restored from the snapshot taken after
// this file loaded: what the top level builds is there for every request,
// and nothing a request changes reaches the next.
//
//   wasp-server --app=js --script=examples/js/hello.js
//   curl 'http://127.0.0.1:8080/hello?name=Ada'
//   curl -d '{"n": 2}' http://127.0.0.1:8080/double

// Built once, at load.
var greetings = {en: 'Hello', fr: 'Bonjour', de: 'Hallo'};

function parseQuery(query) {
  var params = {};
  query.split('&').forEach(function(pair) {
    if (pair === '') return;
    var eq = pair.indexOf('=');
    var key = eq < 0 ? pair : pair.slice(0, eq);
    var value = eq < 0 ? '' : pair.slice(eq + 1);
    params[decodeURIComponent(key)] = decodeURIComponent(value.replace(/\+/g, ' '));
  });
  return params;
}

function handle(request) {
  if (request.path === '/hello') {
    var params = parseQuery(request.query);
    var greeting = greetings[params.lang] || greetings.en;
    return greeting + ', ' + (params.name || 'world') + '!\n';
  }
  if (request.path === '/double' && request.method === 'POST') {
    var input;
    try {
      input = JSON.parse(request.body);
    } catch (e) {
      return {status: 400, body: 'send JSON: {"n": 2}\n'};
    }
    return {headers: {'Cache-Control': 'no-store'}, body: {n: input.n * 2}};
  }
  return {status: 404, body: 'no route for ' + request.method + ' ' + request.path + '\n'};
}
