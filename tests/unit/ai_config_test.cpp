// load_config(): the intelligence engines' configuration from a JSON file and WFC_AI_* variables
// (runtime/ai/config.h), the variables winning, and each mistake reported with the file and key
// or the variable to fix.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>

#include "runtime/ai/config.h"

namespace wfc::ai {
namespace {

using Env = std::map<std::string, std::string>;

/// A configuration file holding `text`, removed at the end of the test.
class ConfigFile {
 public:
  explicit ConfigFile(const std::string& text) {
    std::random_device rd;
    path_ = std::filesystem::temp_directory_path() /
            ("wfc-ai-config-" + std::to_string(rd()) + std::to_string(rd()) + ".json");
    std::ofstream(path_) << text;
  }
  ~ConfigFile() { std::filesystem::remove(path_); }
  std::string path() const { return path_.string(); }

 private:
  std::filesystem::path path_;
};

/// The error load_config() gives, failing the test when it succeeds.
std::string error_of(const std::string& file, const Env& env) {
  std::string error;
  auto config = load_config(file, &env, &error);
  CHECK_FALSE(config.has_value());
  return error;
}

}  // namespace

TEST_CASE("no file and no variables: every role local", "[ai][config]") {
  Env env{{"HOME", "/root"}, {"WFC_AI_CONFIG", "ignored-here"}};
  std::string error;
  auto config = load_config("", &env, &error);
  REQUIRE(config);
  for (const ProviderConfig* p : {&config->transcribe, &config->text, &config->classify}) {
    CHECK(p->provider == "local");
    CHECK(p->base_url.empty());
    CHECK(p->timeout == std::chrono::seconds(120));
  }
  CHECK(config->model_dir.empty());
}

TEST_CASE("the file's values, with variables winning", "[ai][config]") {
  ConfigFile file(R"({
    "transcribe": {"provider": "openai", "base_url": "http://127.0.0.1:8080//",
                   "api_key": "file-key", "model": "whisper-1", "timeout": 30},
    "text": {"provider": "openai", "base_url": "https://api.openai.com/", "timeout": 2.5},
    "classify": {"provider": "openai-moderation", "base_url": "https://api.openai.com"},
    "model_dir": "/srv/models"
  })");
  SECTION("the file alone") {
    Env env;
    std::string error;
    auto config = load_config(file.path(), &env, &error);
    REQUIRE(config);
    CHECK(config->transcribe.provider == "openai");
    CHECK(config->transcribe.base_url == "http://127.0.0.1:8080");
    CHECK(config->transcribe.api_key == "file-key");
    CHECK(config->transcribe.model == "whisper-1");
    CHECK(config->transcribe.timeout == std::chrono::seconds(30));
    CHECK(config->text.base_url == "https://api.openai.com");
    CHECK(config->text.timeout == std::chrono::milliseconds(2500));
    CHECK(config->classify.provider == "openai-moderation");
    CHECK(config->classify.timeout == std::chrono::seconds(120));
    CHECK(config->model_dir == "/srv/models");
  }
  SECTION("variables override single values and keep the rest") {
    Env env{{"WFC_AI_TRANSCRIBE_PROVIDER", "whisper.cpp"},
            {"WFC_AI_TRANSCRIBE_URL", "http://10.0.0.7:9000/"},
            {"WFC_AI_TRANSCRIBE_TIMEOUT", "0.5"},
            {"WFC_AI_TEXT_KEY", "env-key"},
            {"WFC_AI_CLASSIFY_PROVIDER", "openai-vision"},
            {"WFC_AI_CLASSIFY_MODEL", "gpt-4o"},
            {"WFC_AI_TEXT_MODEL", ""},  // empty: unset
            {"WFC_MODEL_DIR", "/opt/models"}};
    std::string error;
    auto config = load_config(file.path(), &env, &error);
    REQUIRE(config);
    CHECK(config->transcribe.provider == "whisper.cpp");
    CHECK(config->transcribe.base_url == "http://10.0.0.7:9000");
    CHECK(config->transcribe.timeout == std::chrono::milliseconds(500));
    CHECK(config->transcribe.api_key == "file-key");
    CHECK(config->text.api_key == "env-key");
    CHECK(config->text.model.empty());
    CHECK(config->text.timeout == std::chrono::milliseconds(2500));
    CHECK(config->classify.provider == "openai-vision");
    CHECK(config->classify.model == "gpt-4o");
    CHECK(config->model_dir == "/opt/models");
  }
  SECTION("a variable that sets local turns the provider off") {
    Env env{{"WFC_AI_TEXT_PROVIDER", "local"}};
    std::string error;
    auto config = load_config(file.path(), &env, &error);
    REQUIRE(config);
    CHECK(config->text.provider == "local");
    CHECK(config->transcribe.provider == "openai");
  }
}

TEST_CASE("variables alone configure a provider", "[ai][config]") {
  Env env{{"WFC_AI_TEXT_PROVIDER", "openai"}, {"WFC_AI_TEXT_URL", "HTTPS://example.com/v"}};
  std::string error;
  auto config = load_config("", &env, &error);
  REQUIRE(config);
  CHECK(config->text.provider == "openai");
  CHECK(config->text.base_url == "HTTPS://example.com/v");
}

TEST_CASE("configuration errors name the file and key or the variable", "[ai][config]") {
  SECTION("a file that cannot be read") {
    std::string error = error_of("/nonexistent/wfc-ai.json", {});
    CHECK_THAT(error, Catch::StartsWith("/nonexistent/wfc-ai.json: cannot read"));
  }
  SECTION("a file that is not JSON") {
    ConfigFile file(R"({"transcribe": {"provider": "openai",}})");
    std::string error = error_of(file.path(), {});
    CHECK_THAT(error, Catch::StartsWith(file.path() + ": not valid JSON"));
  }
  SECTION("an unknown role in the file, with a suggestion") {
    ConfigFile file(R"({"transcribr": {"provider": "openai"}})");
    std::string error = error_of(file.path(), {});
    CHECK_THAT(error, Catch::StartsWith(file.path() + ": 'transcribr' is not a key"));
    CHECK_THAT(error, Catch::Contains("did you mean 'transcribe'?"));
  }
  SECTION("an unknown key of a role, with a suggestion") {
    ConfigFile file(R"({"text": {"provider": "openai", "base_ur": "http://h"}})");
    std::string error = error_of(file.path(), {});
    CHECK_THAT(error, Catch::StartsWith(file.path() + ": 'text.base_ur' is not a key"));
    CHECK_THAT(error, Catch::Contains("did you mean 'base_url'?"));
  }
  SECTION("a value of the wrong type") {
    ConfigFile file(R"({"text": {"provider": 3}})");
    std::string error = error_of(file.path(), {});
    CHECK_THAT(error, Catch::Contains("'text.provider' must be a string"));
  }
  SECTION("a provider of another role lists the valid ones") {
    ConfigFile file(R"({"text": {"provider": "whisper.cpp", "base_url": "http://h"}})");
    std::string error = error_of(file.path(), {});
    CHECK_THAT(error, Catch::StartsWith(file.path() + ": 'text.provider'"));
    CHECK_THAT(error, Catch::Contains("'whisper.cpp' is not a text provider") &&
                          Catch::Contains("local, openai"));
  }
  SECTION("a misspelt provider in a variable") {
    std::string error = error_of("", {{"WFC_AI_CLASSIFY_PROVIDER", "openai-moderations"}});
    CHECK_THAT(error, Catch::StartsWith("WFC_AI_CLASSIFY_PROVIDER: 'openai-moderations'"));
    CHECK_THAT(error, Catch::Contains("local, openai-moderation, openai-vision") &&
                          Catch::Contains("did you mean 'openai-moderation'?"));
  }
  SECTION("a provider without a base URL") {
    std::string error = error_of("", {{"WFC_AI_TRANSCRIBE_PROVIDER", "openai"}});
    CHECK_THAT(error, Catch::StartsWith("WFC_AI_TRANSCRIBE_PROVIDER:"));
    CHECK_THAT(error,
               Catch::Contains("needs a base URL") && Catch::Contains("WFC_AI_TRANSCRIBE_URL"));
  }
  SECTION("a base URL that is not http(s)") {
    for (std::string url : {"ftp://example.com", "127.0.0.1:8080", "http://", "http:// x"}) {
      std::string error =
          error_of("", {{"WFC_AI_TEXT_PROVIDER", "openai"}, {"WFC_AI_TEXT_URL", url}});
      CHECK_THAT(error, Catch::StartsWith("WFC_AI_TEXT_URL: '" + url + "'") &&
                            Catch::Contains("not an http or https URL"));
    }
  }
  SECTION("a timeout that is not a positive number of seconds") {
    for (std::string t : {"0", "-3", "abc", "10s", "nan"}) {
      std::string error = error_of("", {{"WFC_AI_TEXT_TIMEOUT", t}});
      CHECK_THAT(error, Catch::StartsWith("WFC_AI_TEXT_TIMEOUT: '" + t + "'") &&
                            Catch::Contains("not a positive number of seconds"));
    }
    ConfigFile file(R"({"classify": {"timeout": "30"}})");
    CHECK_THAT(error_of(file.path(), {}),
               Catch::Contains("'classify.timeout' must be a positive number of seconds"));
    ConfigFile zero(R"({"classify": {"timeout": 0}})");
    CHECK_THAT(error_of(zero.path(), {}),
               Catch::Contains("'classify.timeout': '0' is not a positive number of seconds"));
  }
  SECTION("an unknown variable, with a suggestion") {
    std::string error = error_of("", {{"WFC_AI_TRANSCRIBE_PROVDER", "openai"}});
    CHECK_THAT(error, Catch::StartsWith("WFC_AI_TRANSCRIBE_PROVDER is not a variable"));
    CHECK_THAT(error, Catch::Contains("did you mean 'WFC_AI_TRANSCRIBE_PROVIDER'?"));
    CHECK_THAT(error_of("", {{"WFC_AI_SPEECH_PROVIDER", "openai"}}),
               Catch::Contains("ROLE one of TRANSCRIBE, TEXT, CLASSIFY"));
  }
}

TEST_CASE("the process environment when none is given", "[ai][config]") {
  ::setenv("WFC_AI_CLASSIFY_TIMEOUT", "7", 1);
  std::string error;
  auto config = load_config("", nullptr, &error);
  ::unsetenv("WFC_AI_CLASSIFY_TIMEOUT");
  REQUIRE(config);
  CHECK(config->classify.timeout == std::chrono::seconds(7));
}

}  // namespace wfc::ai
