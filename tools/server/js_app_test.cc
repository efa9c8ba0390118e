// wasp-server --app=js end to end: a script's handle(request) answers over
// real sockets, hostile scripts are stopped and answered, and a script that
// cannot serve stops the server with the reason.
#include "tools/server/js_app.h"

#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "tests/testing/kvm.h"
#include "tests/testing/server_process.h"
#include "tests/testing/tcp_client.h"

namespace wasp {
namespace {

using testing::ServerProcess;
using testing::TcpClient;

// Answers by path; /echo returns the request as JSON.
constexpr char kScript[] = R"js(
var loaded = 'at load';
var counter = 0;
function handle(request) {
  switch (request.path) {
    case '/echo':
      return {status: 201, headers: {'X-Method': request.method},
              body: {method: request.method, path: request.path,
                     query: request.query, foo: request.headers['x-foo'],
                     body: request.body}};
    case '/text': console.log('dropped'); return 'plain ' + loaded;
    case '/count':
      counter++;
      globalThis.leaked = (globalThis.leaked || 0) + 1;
      return counter + ' ' + globalThis.leaked;
    case '/throw': throw new TypeError('boom');
    case '/loop': for (;;) {}
    case '/bomb': var s = 'x'; for (;;) s = s + s;
    case '/recurse': return (function f(n) { return f(n + 1) + 1; })(0);
    case '/native': var g = function() { return [1].map(g); }; return g();
    case '/split': return {headers: {'X-A': 'a\r\nInjected: 1'}, body: 'x'};
  }
  return {status: 404, body: 'no ' + request.path};
}
)js";

std::string WriteScript(const std::string& name, const std::string& text) {
  std::string path = absl::StrCat(::testing::TempDir(), "/", name);
  std::ofstream(path) << text;
  return path;
}

std::string Request(const std::string& method, const std::string& target,
                    const std::string& extra = "",
                    const std::string& body = "") {
  return absl::StrCat(
      method, " ", target, " HTTP/1.1\r\nHost: t\r\n", extra,
      body.empty() && method == "GET"
          ? ""
          : absl::StrCat("Content-Length: ", body.size(), "\r\n"),
      "\r\n", body);
}

// Reads whole responses (head, then Content-Length bytes) off a connection.
class Responses {
 public:
  explicit Responses(TcpClient& client) : client_(client) {}
  std::string Next(bool head_only = false) {
    while (data_.find("\r\n\r\n") == std::string::npos) {
      if (!Fill()) return std::exchange(data_, "");
    }
    size_t end = data_.find("\r\n\r\n") + 4;
    size_t length = 0;
    size_t at = data_.find("Content-Length: ");
    if (at < end && !head_only) length = std::stoul(data_.substr(at + 16));
    while (data_.size() < end + length && Fill()) {
    }
    std::string response = data_.substr(0, end + length);
    data_.erase(0, end + length);
    return response;
  }

 private:
  bool Fill() {
    auto chunk = client_.Receive();
    if (!chunk.ok() || chunk->empty()) return false;
    data_ += *chunk;
    return true;
  }
  TcpClient& client_;
  std::string data_;
};

std::string Body(const std::string& response) {
  size_t end = response.find("\r\n\r\n");
  return end == std::string::npos ? "" : response.substr(end + 4);
}

class JsAppTest : public ::testing::Test {
 protected:
  void SetUp() override {
    wasp::testing::ExpectKvm();
    server_ = std::make_unique<ServerProcess>(std::vector<std::string>{
        "--port=0", "--workers=1", "--pool=4", "--idle-timeout=2s",
        "--cpu-budget=2s", "--app=js",
        absl::StrCat("--script=", WriteScript("app.js", kScript))});
    ASSERT_NE(server_->port(), 0) << server_->Log();
  }

  TcpClient Connect() {
    auto client = TcpClient::Connect(server_->port());
    EXPECT_TRUE(client.ok()) << client.status();
    return std::move(*client);
  }

  // One request on a new connection.
  std::string Ask(const std::string& request) {
    TcpClient client = Connect();
    EXPECT_TRUE(client.Send(request).ok());
    return Responses(client).Next();
  }

  std::unique_ptr<ServerProcess> server_;
};

TEST_F(JsAppTest, HandlerSeesTheRequestAndShapesTheResponse) {
  std::string response = Ask(
      Request("POST", "/echo?a=1&b=2", "X-Foo: one\r\nx-foo: two\r\n", "hi!"));
  EXPECT_TRUE(absl::StartsWith(response, "HTTP/1.1 201 Created\r\n"))
      << response;
  EXPECT_NE(response.find("\r\nX-Method: POST\r\n"), std::string::npos);
  EXPECT_NE(response.find("\r\nContent-Type: application/json\r\n"),
            std::string::npos);
  EXPECT_EQ(Body(response),
            R"({"method":"POST","path":"/echo","query":"a=1&b=2",)"
            R"("foo":"one, two","body":"hi!"})");
  response = Ask(Request("GET", "/text"));
  EXPECT_TRUE(absl::StartsWith(response, "HTTP/1.1 200 OK\r\n")) << response;
  EXPECT_NE(response.find("Content-Type: text/plain; charset=utf-8"),
            std::string::npos);
  EXPECT_EQ(Body(response), "plain at load");
  response = Ask(Request("DELETE", "/nothing"));
  EXPECT_TRUE(absl::StartsWith(response, "HTTP/1.1 404 Not Found\r\n"));
  EXPECT_EQ(Body(response), "no /nothing");
}

TEST_F(JsAppTest, HeadGetsTheLengthWithoutTheBody) {
  TcpClient client = Connect();
  ASSERT_TRUE(
      client.Send(Request("HEAD", "/text") + Request("GET", "/text")).ok());
  Responses responses(client);
  std::string head = responses.Next(/*head_only=*/true);
  EXPECT_NE(head.find("Content-Length: 13\r\n"), std::string::npos) << head;
  EXPECT_EQ(Body(head), "");
  EXPECT_EQ(Body(responses.Next()), "plain at load");
}

TEST_F(JsAppTest, KeepAliveAndPipelinedRequestsAnswerInOrder) {
  TcpClient client = Connect();
  Responses responses(client);
  ASSERT_TRUE(client
                  .Send(Request("GET", "/a") + Request("POST", "/b", "", "xy") +
                        Request("GET", "/text"))
                  .ok());
  EXPECT_EQ(Body(responses.Next()), "no /a");
  EXPECT_EQ(Body(responses.Next()), "no /b");
  EXPECT_EQ(Body(responses.Next()), "plain at load");
  ASSERT_TRUE(client.Send(Request("GET", "/text")).ok());
  EXPECT_EQ(Body(responses.Next()), "plain at load");
}

TEST_F(JsAppTest, NothingOfOneRequestReachesTheNext) {
  TcpClient client = Connect();
  Responses responses(client);
  ASSERT_TRUE(
      client.Send(Request("GET", "/count") + Request("GET", "/count")).ok());
  EXPECT_EQ(Body(responses.Next()), "1 1");
  EXPECT_EQ(Body(responses.Next()), "1 1");
  ASSERT_TRUE(client.Send(Request("GET", "/count")).ok());
  EXPECT_EQ(Body(responses.Next()), "1 1");
  EXPECT_EQ(Body(Ask(Request("GET", "/count"))), "1 1");
}

TEST_F(JsAppTest, AThrowIsA500WithTheMessageOnlyAndTheConnectionStays) {
  TcpClient client = Connect();
  Responses responses(client);
  ASSERT_TRUE(client.Send(Request("GET", "/throw")).ok());
  std::string response = responses.Next();
  EXPECT_TRUE(absl::StartsWith(response, "HTTP/1.1 500 ")) << response;
  EXPECT_EQ(Body(response), "500 Internal Server Error\nTypeError: boom\n");
  ASSERT_TRUE(client.Send(Request("GET", "/text")).ok());
  EXPECT_EQ(Body(responses.Next()), "plain at load");
}

TEST_F(JsAppTest, BadReturnValuesAre500s) {
  std::string response = Ask(Request("GET", "/split"));
  EXPECT_TRUE(absl::StartsWith(response, "HTTP/1.1 500 ")) << response;
  EXPECT_EQ(response.find("Injected"), std::string::npos) << response;
}

TEST_F(JsAppTest, DeepRecursionIsARangeError) {
  for (const char* path : {"/recurse", "/native"}) {
    std::string response = Ask(Request("GET", path));
    EXPECT_TRUE(absl::StartsWith(response, "HTTP/1.1 500 ")) << response;
    EXPECT_NE(Body(response).find("RangeError"), std::string::npos)
        << path << ": " << response;
  }
  EXPECT_EQ(Body(Ask(Request("GET", "/text"))), "plain at load");
}

TEST_F(JsAppTest, AnAllocationBombMeetsTheMemoryLimit) {
  std::string response = Ask(Request("GET", "/bomb"));
  EXPECT_TRUE(absl::StartsWith(response, "HTTP/1.1 500 ")) << response;
  EXPECT_NE(Body(response).find("alloc failed"), std::string::npos) << response;
  EXPECT_EQ(Body(Ask(Request("GET", "/text"))), "plain at load");
}

TEST_F(JsAppTest, AnEndlessLoopIsStoppedByTheBudgetAndTheWorkerServesOn) {
  TcpClient client = Connect();
  ASSERT_TRUE(client.Send(Request("GET", "/loop")).ok());
  std::string response = client.ReceiveAll().value_or("");
  EXPECT_TRUE(absl::StartsWith(response, "HTTP/1.1 500 ")) << response;
  absl::Time start = absl::Now();
  EXPECT_EQ(Body(Ask(Request("GET", "/text"))), "plain at load");
  EXPECT_LT(absl::Now() - start, absl::Seconds(1));
}

TEST_F(JsAppTest, BodiesUpToTheLimitAreServedLargerOnes413) {
  std::string big(64 * 1024, 'b');
  std::string response = Ask(Request("POST", "/echo", "", big));
  EXPECT_TRUE(absl::StartsWith(response, "HTTP/1.1 201 ")) << response;
  EXPECT_NE(Body(response).find(big), std::string::npos);
  TcpClient client = Connect();
  ASSERT_TRUE(client
                  .Send(absl::StrCat("POST /echo HTTP/1.1\r\nHost: t\r\n"
                                     "Content-Length: ",
                                     big.size() + 1, "\r\n\r\n"))
                  .ok());
  response = client.ReceiveAll().value_or("");
  EXPECT_TRUE(absl::StartsWith(response, "HTTP/1.1 413 ")) << response;
}

TEST_F(JsAppTest, AClientThatExpectsContinueIsAskedForTheBody) {
  TcpClient client = Connect();
  ASSERT_TRUE(client
                  .Send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: "
                        "2\r\nExpect: 100-continue\r\n\r\n")
                  .ok());
  auto interim = client.Receive();
  ASSERT_TRUE(interim.ok());
  EXPECT_EQ(*interim, "HTTP/1.1 100 Continue\r\n\r\n");
  ASSERT_TRUE(client.Send("ab").ok());
  std::string response = Responses(client).Next();
  EXPECT_TRUE(absl::StartsWith(response, "HTTP/1.1 201 ")) << response;
  EXPECT_NE(Body(response).find(R"("body":"ab")"), std::string::npos);
}

TEST_F(JsAppTest, BrokenFramingCloses) {
  TcpClient client = Connect();
  ASSERT_TRUE(client.Send("GET / HTTP/1.1\r\nbad header\r\n\r\n").ok());
  std::string response = client.ReceiveAll().value_or("");
  EXPECT_TRUE(absl::StartsWith(response, "HTTP/1.1 400 ")) << response;
}

// Starts the server with `flags` and expects it to stop with `code`, saying
// `what`.
void ExpectRefused(std::vector<std::string> flags, int code,
                   const std::vector<std::string>& what) {
  flags.push_back("--port=0");
  ServerProcess server(flags);
  EXPECT_EQ(server.Terminate(), code) << server.Log();
  for (const std::string& text : what) {
    EXPECT_NE(server.Log().find(text), std::string::npos)
        << text << " not in: " << server.Log();
  }
}

TEST(JsAppStartTest, AScriptThatCannotServeStopsTheServerWithTheReason) {
  wasp::testing::ExpectKvm();
  std::string syntax = WriteScript("syntax.js", "function handle( {\n");
  ExpectRefused({"--app=js", "--script=" + syntax}, 1,
                {syntax, "SyntaxError", "line 1"});
  std::string throws = WriteScript("throws.js", "throw new Error('no db');");
  ExpectRefused({"--app=js", "--script=" + throws}, 1,
                {throws, "Error: no db"});
  std::string none = WriteScript("none.js", "var x = 1;");
  ExpectRefused({"--app=js", "--script=" + none}, 1,
                {none, "no function handle(request)"});
  std::string loops = WriteScript("loops.js", "for (;;) {}");
  ExpectRefused({"--app=js", "--script=" + loops}, 1, {loops, "--cpu-budget"});
  ExpectRefused({"--app=js", "--script=/no/such.js"}, 1,
                {"/no/such.js", "cannot open"});
}

TEST(JsAppStartTest, ScriptAndAppJsGoTogether) {
  ExpectRefused({"--app=js"}, 2, {"--app=js needs --script"});
  ExpectRefused({"--app=http", "--script=x.js"}, 2,
                {"--script=x.js needs --app=js"});
  ExpectRefused({"--app=js", "--script=x.js", "--isolation=none"}, 1,
                {"virtines only"});
}

// The example of docs/js.md serves what its comment says.
TEST(JsAppExampleTest, HelloJsAnswers) {
  wasp::testing::ExpectKvm();
  ServerProcess server({"--port=0", "--workers=1", "--pool=2", "--app=js",
                        "--script=examples/js/hello.js"});
  ASSERT_NE(server.port(), 0) << server.Log();
  auto client = TcpClient::Connect(server.port());
  ASSERT_TRUE(client.ok());
  Responses responses(*client);
  ASSERT_TRUE(client
                  ->Send(Request("GET", "/hello?name=Ada&lang=fr") +
                         Request("POST", "/double", "", R"({"n": 21})") +
                         Request("POST", "/double", "", "nope"))
                  .ok());
  EXPECT_EQ(Body(responses.Next()), "Bonjour, Ada!\n");
  std::string doubled = responses.Next();
  EXPECT_NE(doubled.find("Cache-Control: no-store\r\n"), std::string::npos);
  EXPECT_EQ(Body(doubled), R"({"n":42})");
  EXPECT_TRUE(absl::StartsWith(responses.Next(), "HTTP/1.1 400 "));
}

TEST(JsMemoryTest, AutoGivesDuktapeAFewMebibytes) {
  EXPECT_GE(JsMemoryFor(0), uint64_t{8} << 20);
  EXPECT_EQ(JsMemoryFor(0) % (1 << 20), 0u);
  EXPECT_GE(JsMemoryFor(4 << 20), JsMemoryFor(0) + (16 << 20));
}

}  // namespace
}  // namespace wasp
