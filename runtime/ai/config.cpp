// load_config(): the intelligence engines' configuration from a JSON file and WFC_AI_*
// variables (config.h), every value checked where it was given, so that an error names the file
// and key or the variable a user has to change.
#include "runtime/ai/config.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "compiler/util/suggest.h"

extern char** environ;

namespace wfc::ai {
namespace {

const std::vector<std::string> kRoles = {"transcribe", "text", "classify"};
const std::vector<std::string> kTopKeys = {"transcribe", "text", "classify", "model_dir"};
const std::vector<std::string> kRoleKeys = {"provider", "base_url", "api_key", "model", "timeout"};
// The variables' suffixes, in kRoleKeys' order.
const std::vector<std::string> kVariableFields = {"PROVIDER", "URL", "KEY", "MODEL", "TIMEOUT"};
constexpr double kLongestTimeout = 86400;  // a day

const std::vector<std::string>& providers(const std::string& role) {
  static const std::vector<std::string> transcribe = {"local", "openai", "whisper.cpp"};
  static const std::vector<std::string> text = {"local", "openai"};
  static const std::vector<std::string> classify = {"local", "openai-moderation", "openai-vision"};
  if (role == "transcribe") return transcribe;
  if (role == "text") return text;
  return classify;
}

std::string upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

std::string join(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& w : words) out += (out.empty() ? "" : ", ") + w;
  return out;
}

std::string hint(const std::string& word, const std::vector<std::string>& candidates) {
  std::string d = did_you_mean(word, candidates);
  return d.empty() ? "" : " (" + d + ")";
}

/// One role's values as given, with where each came from ("FILE: 'text.timeout'", a variable).
struct Given {
  std::string value;
  std::string origin;
  bool set = false;
};
struct RoleGiven {
  Given fields[5];  // kRoleKeys' order
  std::optional<double> file_timeout;
};

bool fail(std::string* error, std::string message) {
  if (error != nullptr) *error = std::move(message);
  return false;
}

bool read_file(const std::string& file, RoleGiven roles[3], Given* model_dir, std::string* error) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return fail(error, file + ": cannot read the AI configuration: " + std::strerror(errno));
  std::stringstream text;
  text << in.rdbuf();
  nlohmann::json json;
  try {
    json = nlohmann::json::parse(text.str());
  } catch (const nlohmann::json::parse_error& e) {
    std::string what = e.what();
    auto colon = what.find("parse error");
    return fail(error, file + ": not valid JSON: " +
                           (colon == std::string::npos ? what : what.substr(colon)));
  }
  if (!json.is_object()) {
    return fail(error, file + ": the AI configuration must be a JSON object with the keys " +
                           join(kTopKeys));
  }
  for (const auto& [key, value] : json.items()) {
    std::string where = file + ": '" + key + "'";
    if (key == "model_dir") {
      if (!value.is_string()) return fail(error, where + " must be a string (a directory)");
      *model_dir = {value.get<std::string>(), where, true};
      continue;
    }
    auto role = std::find(kRoles.begin(), kRoles.end(), key);
    if (role == kRoles.end()) {
      return fail(error, where + " is not a key of the AI configuration; the keys are " +
                             join(kTopKeys) + hint(key, kTopKeys));
    }
    if (!value.is_object()) {
      return fail(error, where + " must be an object with the keys " + join(kRoleKeys));
    }
    RoleGiven& given = roles[role - kRoles.begin()];
    for (const auto& [field, v] : value.items()) {
      std::string at = file + ": '" + key + "." + field + "'";
      auto f = std::find(kRoleKeys.begin(), kRoleKeys.end(), field);
      if (f == kRoleKeys.end()) {
        return fail(error, at + " is not a key of a role; the keys are " + join(kRoleKeys) +
                               hint(field, kRoleKeys));
      }
      std::size_t index = f - kRoleKeys.begin();
      if (field == "timeout") {
        if (!v.is_number()) {
          return fail(error, at + " must be a positive number of seconds, not " + v.dump());
        }
        given.file_timeout = v.get<double>();
        given.fields[index] = {v.dump(), at, true};
        continue;
      }
      if (!v.is_string()) return fail(error, at + " must be a string, not " + v.dump());
      given.fields[index] = {v.get<std::string>(), at, true};
    }
  }
  return true;
}

bool read_variables(const std::map<std::string, std::string>& env, RoleGiven roles[3],
                    Given* model_dir, std::string* error) {
  std::vector<std::string> known = {"WFC_AI_CONFIG"};
  for (const auto& role : kRoles) {
    for (const auto& field : kVariableFields)
      known.push_back("WFC_AI_" + upper(role) + "_" + field);
  }
  for (const auto& [name, value] : env) {
    if (name == "WFC_MODEL_DIR") {
      if (!value.empty()) *model_dir = {value, name, true};
      continue;
    }
    if (name.rfind("WFC_AI_", 0) != 0 || name == "WFC_AI_CONFIG") continue;
    auto it = std::find(known.begin(), known.end(), name);
    if (it == known.end()) {
      return fail(error, name +
                             " is not a variable of the AI configuration; they are "
                             "WFC_AI_<ROLE>_{PROVIDER,URL,KEY,MODEL,TIMEOUT} with ROLE one "
                             "of TRANSCRIBE, TEXT, CLASSIFY" +
                             hint(name, known));
    }
    if (value.empty()) continue;  // an empty variable is an unset one
    std::size_t index = static_cast<std::size_t>(it - known.begin()) - 1;
    RoleGiven& given = roles[index / kVariableFields.size()];
    std::size_t field = index % kVariableFields.size();
    given.fields[field] = {value, name, true};
    if (kRoleKeys[field] == "timeout") given.file_timeout.reset();
  }
  return true;
}

/// `url` without its trailing '/', or nullopt when it is not an http(s) URL with a host.
std::optional<std::string> base_url(const std::string& url) {
  std::string lower = url;
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  std::size_t host;
  if (lower.rfind("http://", 0) == 0) {
    host = 7;
  } else if (lower.rfind("https://", 0) == 0) {
    host = 8;
  } else {
    return std::nullopt;
  }
  if (host >= url.size() || url[host] == '/' || url[host] == '?' || url[host] == '#') {
    return std::nullopt;
  }
  for (char c : url) {
    if (std::isspace(static_cast<unsigned char>(c)) || std::iscntrl(static_cast<unsigned char>(c)))
      return std::nullopt;
  }
  std::string out = url;
  while (out.size() > host && out.back() == '/') out.pop_back();
  return out;
}

bool build_role(const std::string& role, RoleGiven& given, ProviderConfig* out,
                std::string* error) {
  const Given& provider = given.fields[0];
  const Given& url = given.fields[1];
  const Given& key = given.fields[2];
  const Given& model = given.fields[3];
  const Given& timeout = given.fields[4];
  if (provider.set) {
    const auto& valid = providers(role);
    if (std::find(valid.begin(), valid.end(), provider.value) == valid.end()) {
      return fail(error, provider.origin + ": '" + provider.value + "' is not a " + role +
                             " provider; the " + role + " providers are " + join(valid) +
                             hint(provider.value, valid));
    }
    out->provider = provider.value;
  }
  if (url.set) {
    auto normalized = base_url(url.value);
    if (!normalized) {
      return fail(error, url.origin + ": '" + url.value +
                             "' is not an http or https URL (such as http://127.0.0.1:8080)");
    }
    out->base_url = *normalized;
  }
  if (key.set) out->api_key = key.value;
  if (model.set) out->model = model.value;
  if (timeout.set) {
    double seconds = 0;
    bool number = true;
    if (given.file_timeout) {
      seconds = *given.file_timeout;
    } else {
      char* end = nullptr;
      errno = 0;
      seconds = std::strtod(timeout.value.c_str(), &end);
      number = end != timeout.value.c_str() && *end == '\0' && errno == 0;
    }
    if (!number || !std::isfinite(seconds) || seconds <= 0) {
      return fail(error, timeout.origin + ": '" + timeout.value +
                             "' is not a positive number of seconds (such as 120 or 0.5)");
    }
    if (seconds > kLongestTimeout) {
      return fail(error, timeout.origin + ": " + timeout.value +
                             " s is longer than a day; give at most 86400 seconds");
    }
    out->timeout = std::chrono::milliseconds(std::max<long long>(1, std::llround(seconds * 1000)));
  }
  if (out->provider != "local" && out->base_url.empty()) {
    std::string where = provider.origin;
    return fail(error, where + ": the " + role + " provider '" + out->provider +
                           "' needs a base URL: set '" + role +
                           ".base_url' in the file or WFC_AI_" + upper(role) +
                           "_URL (OpenAI's is https://api.openai.com)");
  }
  return true;
}

}  // namespace

std::optional<Config> load_config(const std::string& file,
                                  const std::map<std::string, std::string>* env,
                                  std::string* error) {
  RoleGiven roles[3];
  Given model_dir;
  if (!file.empty() && !read_file(file, roles, &model_dir, error)) return std::nullopt;
  std::map<std::string, std::string> process;
  if (env == nullptr) {
    for (char** v = environ; v != nullptr && *v != nullptr; ++v) {
      std::string entry(*v);
      auto eq = entry.find('=');
      if (eq != std::string::npos) process[entry.substr(0, eq)] = entry.substr(eq + 1);
    }
    env = &process;
  }
  if (!read_variables(*env, roles, &model_dir, error)) return std::nullopt;
  Config config;
  ProviderConfig* outs[3] = {&config.transcribe, &config.text, &config.classify};
  for (std::size_t i = 0; i < kRoles.size(); ++i) {
    if (!build_role(kRoles[i], roles[i], outs[i], error)) return std::nullopt;
  }
  if (model_dir.set) config.model_dir = model_dir.value;
  return config;
}

}  // namespace wfc::ai
