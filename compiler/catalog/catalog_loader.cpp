// Catalog::parse: reads kinds.json into the catalog.h structures and validates the catalog
// itself (type names, enum values, defaults against their types and ranges, constraint
// operands, file kinds...). A broken catalog is a bug in wfc, so the first problem found is
// returned as one message naming where in kinds.json it is (a JSON pointer, or line:column for
// a syntax error).
#include <algorithm>
#include <cmath>
#include <initializer_list>
#include <set>

#include "compiler/catalog/catalog.h"
#include "compiler/catalog/formats.h"

namespace wfc::catalog {
namespace {

// Keeps the file's order: kinds, options and properties are listed as the catalog lists them.
using Json = nlohmann::ordered_json;

constexpr std::string_view kCategories[] = {"input",        "media",  "track",
                                            "intelligence", "output", "control"};

std::string escape_pointer(std::string_view key) {
  std::string out;
  for (char c : key) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out += c;
    }
  }
  return out;
}

std::string child(const std::string& where, std::string_view key) {
  return where + "/" + escape_pointer(key);
}

bool is_identifier(std::string_view s) {
  if (s.empty() || !(std::islower(static_cast<unsigned char>(s[0])) || s[0] == '_')) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return std::islower(static_cast<unsigned char>(c)) ||
           std::isdigit(static_cast<unsigned char>(c)) || c == '_';
  });
}

// "50%": a percentage 1–100, as options take them.
bool is_percentage(std::string_view s) {
  auto p = parse_percent(s);
  return p && *p >= 1 && *p <= 100;
}

class Loader {
 public:
  std::string error;

  bool load(const Json& root, Catalog* out, std::vector<KindSpec>* kinds,
            std::vector<PropertySpec>* properties, std::vector<OperatorSpec>* operators,
            std::vector<PropertySpec>* frame_properties, EncoderTable* encoders) {
    if (!root.is_object()) return fail("", "the catalog must be a JSON object");
    if (!keys_in(root, "",
                 {"version", "doc", "file_kinds", "properties", "frame_properties", "operators",
                  "encoders", "kinds"}))
      return false;
    if (!root.contains("version") || root["version"] != 1) return fail("/version", "must be 1");
    if (root.contains("doc") && !root["doc"].is_string()) return fail("/doc", "must be a string");
    encoders_ = encoders;
    return load_file_kinds(root) && load_properties(root, properties) &&
           load_frame_properties(root, frame_properties) && load_operators(root, operators) &&
           load_encoders(root, encoders) && load_kinds(root, kinds) && check_quality(*kinds);
  }

  bool fail(const std::string& where, const std::string& message) {
    if (error.empty()) error = (where.empty() ? std::string("/") : where) + ": " + message;
    return false;
  }

 private:
  const EncoderTable* encoders_ = nullptr;

 public:
 private:
  bool keys_in(const Json& obj, const std::string& where,
               std::initializer_list<std::string_view> allowed) {
    for (const auto& [key, value] : obj.items()) {
      if (std::find(allowed.begin(), allowed.end(), key) == allowed.end())
        return fail(child(where, key), "unknown key '" + key + "'");
    }
    return true;
  }

  bool object_at(const Json& parent, std::string_view key, const std::string& where,
                 bool required) {
    if (!parent.contains(key)) return required ? fail(child(where, key), "is missing") : true;
    if (!parent[std::string(key)].is_object()) return fail(child(where, key), "must be an object");
    return true;
  }

  bool doc_at(const Json& obj, const std::string& where, bool one_line) {
    if (!obj.contains("doc"))
      return fail(child(where, "doc"), "is missing (every entry has a doc)");
    const Json& doc = obj["doc"];
    if (!doc.is_string() || doc.get<std::string>().empty())
      return fail(child(where, "doc"), "must be a non-empty string");
    if (one_line && doc.get<std::string>().find('\n') != std::string::npos)
      return fail(child(where, "doc"), "must be one line");
    return true;
  }

  bool load_file_kinds(const Json& root) {
    if (!object_at(root, "file_kinds", "", true)) return false;
    const Json& fk = root["file_kinds"];
    for (const auto& [name, doc] : fk.items()) {
      if (!parse_file_kind(name))
        return fail(child("/file_kinds", name), "unknown file kind '" + name + "'");
      if (!doc.is_string() || doc.get<std::string>().empty())
        return fail(child("/file_kinds", name), "must be a non-empty string");
    }
    for (FileKind k : {kVideo, kAudio, kImage, kData, kTrack, kPlaylist}) {
      if (!fk.contains(file_kind_name(k)))
        return fail("/file_kinds", "file kind '" + std::string(file_kind_name(k)) + "' is missing");
    }
    return true;
  }

  bool load_properties(const Json& root, std::vector<PropertySpec>* out) {
    if (!object_at(root, "properties", "", true)) return false;
    for (const auto& [name, j] : root["properties"].items()) {
      std::string where = child("/properties", name);
      if (!j.is_object()) return fail(where, "must be an object");
      bool dotted = name.find('.') != std::string::npos;
      size_t dot = name.find('.');
      if (!is_identifier(name.substr(0, dot)) || (dotted && !is_identifier(name.substr(dot + 1))))
        return fail(where, "a property name is lowercase words joined by '_', at most one '.'");
      if (Catalog::is_combinator(name)) return fail(where, "'" + name + "' is a combinator");
      PropertySpec p;
      p.name = name;
      if (!doc_at(j, where, true) || !read_type(j, where, &p.type, {"doc"})) return false;
      switch (p.type.kind) {
        case TypeKind::String:
        case TypeKind::Integer:
        case TypeKind::Number:
        case TypeKind::Boolean:
        case TypeKind::Enum:
          break;
        case TypeKind::Map:
          if (dotted) return fail(where, "a map property's name cannot contain '.'");
          if (!is_scalar(p.type.items->kind))
            return fail(child(where, "items"), "a map property's items must be a scalar type");
          break;
        default:
          return fail(child(where, "type"),
                      "a property is string, integer, number, boolean, enum or map");
      }
      p.doc = j["doc"].get<std::string>();
      out->push_back(std::move(p));
    }
    // "metadata.x" must resolve one way only.
    for (const auto& p : *out) {
      size_t dot = p.name.find('.');
      if (dot == std::string::npos) continue;
      std::string prefix = p.name.substr(0, dot);
      for (const auto& q : *out) {
        if (q.name == prefix && q.type.kind == TypeKind::Map)
          return fail(child("/properties", p.name),
                      "clashes with the map property '" + prefix + "'");
      }
    }
    return true;
  }

  // Frame properties (`t`, `scene`, `luma`, `black`) are what a frame predicate (the `select`
  // option) tests on each decoded frame: scalars only, no maps, optional in a catalog.
  bool load_frame_properties(const Json& root, std::vector<PropertySpec>* out) {
    if (!object_at(root, "frame_properties", "", false)) return false;
    if (!root.contains("frame_properties")) return true;
    for (const auto& [name, j] : root["frame_properties"].items()) {
      std::string where = child("/frame_properties", name);
      if (!j.is_object()) return fail(where, "must be an object");
      if (!is_identifier(name)) return fail(where, "a frame property name is a lowercase word");
      if (Catalog::is_combinator(name)) return fail(where, "'" + name + "' is a combinator");
      PropertySpec p;
      p.name = name;
      if (!doc_at(j, where, true) || !read_type(j, where, &p.type, {"doc"})) return false;
      if (p.type.kind != TypeKind::Integer && p.type.kind != TypeKind::Number &&
          p.type.kind != TypeKind::Boolean)
        return fail(child(where, "type"), "a frame property is integer, number or boolean");
      p.doc = j["doc"].get<std::string>();
      out->push_back(std::move(p));
    }
    return true;
  }

  bool load_operators(const Json& root, std::vector<OperatorSpec>* out) {
    if (!object_at(root, "operators", "", true)) return false;
    for (const auto& [name, j] : root["operators"].items()) {
      std::string where = child("/operators", name);
      if (!j.is_object()) return fail(where, "must be an object");
      if (!is_identifier(name)) return fail(where, "an operator name is a lowercase identifier");
      if (Catalog::is_combinator(name)) return fail(where, "'" + name + "' is a combinator");
      if (!keys_in(j, where, {"applies_to", "operand", "doc"}) || !doc_at(j, where, true))
        return false;
      OperatorSpec op;
      op.name = name;
      op.doc = j["doc"].get<std::string>();
      if (!j.contains("operand") || !j["operand"].is_string())
        return fail(child(where, "operand"), "must be one of same, list, boolean, regex, string");
      std::string operand = j["operand"].get<std::string>();
      if (operand == "same") {
        op.operand = OperatorSpec::Operand::Same;
      } else if (operand == "list") {
        op.operand = OperatorSpec::Operand::List;
      } else if (operand == "boolean") {
        op.operand = OperatorSpec::Operand::Boolean;
      } else if (operand == "regex") {
        op.operand = OperatorSpec::Operand::Regex;
      } else if (operand == "string") {
        op.operand = OperatorSpec::Operand::String;
      } else {
        return fail(child(where, "operand"),
                    "unknown operand '" + operand + "' (same, list, boolean, regex, string)");
      }
      if (!j.contains("applies_to") || !j["applies_to"].is_array())
        return fail(child(where, "applies_to"), "must be an array of type names ([] = all)");
      for (const auto& t : j["applies_to"]) {
        auto kind = t.is_string() ? parse_type_kind(t.get<std::string>()) : std::nullopt;
        if (!kind) return fail(child(where, "applies_to"), "unknown type name " + t.dump());
        if (std::find(op.applies_to.begin(), op.applies_to.end(), *kind) != op.applies_to.end())
          return fail(child(where, "applies_to"), "lists " + t.dump() + " twice");
        op.applies_to.push_back(*kind);
      }
      bool textual =
          op.operand == OperatorSpec::Operand::Regex || op.operand == OperatorSpec::Operand::String;
      if (textual && (op.applies_to.empty() ||
                      std::any_of(op.applies_to.begin(), op.applies_to.end(), [](TypeKind k) {
                        return k != TypeKind::String && k != TypeKind::Enum;
                      })))
        return fail(child(where, "applies_to"), "a text operand applies to strings only");
      out->push_back(std::move(op));
    }
    if (out->empty()) return fail("/operators", "no operators");
    return true;
  }

  // The encoder table: per family, per option value, an encoder and one value per quality level
  // for each of its columns.
  bool load_encoders(const Json& root, EncoderTable* out) {
    if (!root.contains("encoders")) return true;
    const std::string at = "/encoders";
    const Json& e = root["encoders"];
    if (!e.is_object() || !keys_in(e, at, {"doc", "quality_option", "levels", "families"}))
      return fail(at, "must be an object");
    if (!doc_at(e, at, false)) return false;
    out->doc = e["doc"].get<std::string>();
    if (!e.contains("quality_option") || !e["quality_option"].is_string())
      return fail(child(at, "quality_option"), "must name the option whose values are the levels");
    out->quality_option = e["quality_option"].get<std::string>();
    if (!e.contains("levels") || !e["levels"].is_array() || e["levels"].empty())
      return fail(child(at, "levels"), "must be a non-empty array of level names");
    for (const auto& l : e["levels"]) {
      if (!l.is_string()) return fail(child(at, "levels"), "must be an array of level names");
      out->levels.push_back(l.get<std::string>());
    }
    if (!object_at(e, "families", at, true)) return false;
    for (const auto& [name, rows] : e["families"].items()) {
      std::string fam_at = child(child(at, "families"), name);
      if (!is_identifier(name)) return fail(fam_at, "a family's name is a lowercase identifier");
      if (!rows.is_object() || rows.empty()) return fail(fam_at, "must be an object of rows");
      EncoderFamily family{name, {}};
      for (const auto& [value, r] : rows.items()) {
        std::string row_at = child(fam_at, value);
        if (!r.is_object() || !r.contains("encoder") || !r["encoder"].is_string())
          return fail(row_at, "needs an \"encoder\" string");
        EncoderRow row{value, r["encoder"].get<std::string>(), {}, {}};
        for (const auto& [column, values] : r.items()) {
          if (column == "encoder") continue;
          if (column == "options") {
            if (!values.is_object())
              return fail(child(row_at, column), "must be an object of the encoder's AVOptions");
            for (const auto& [name, v] : values.items()) {
              if (!v.is_string())
                return fail(child(child(row_at, column), name),
                            "an AVOption's value is a string, as the encoder takes it");
              row.options.emplace_back(name, v.get<std::string>());
            }
            continue;
          }
          if (!values.is_array() || values.size() != out->levels.size())
            return fail(child(row_at, column), "must list one value per level (" +
                                                   std::to_string(out->levels.size()) + ")");
          std::vector<nlohmann::json> per_level;
          for (const auto& v : values) {
            if (!v.is_number() && !v.is_string())
              return fail(child(row_at, column), "values are numbers or strings");
            per_level.push_back(nlohmann::json::parse(v.dump()));
          }
          row.columns.emplace_back(column, std::move(per_level));
        }
        family.rows.push_back(std::move(row));
      }
      // A column one row has and another lacks is one the other's encoder does not use; the
      // settings readers (compiler/plan/encoder_settings) treat a missing column as unused.
      out->families.push_back(std::move(family));
    }
    return true;
  }

  // Every option named as the quality option is an enum of exactly the table's levels.
  bool check_quality(const std::vector<KindSpec>& kinds) {
    if (!encoders_ || encoders_->quality_option.empty()) return true;
    for (const KindSpec& k : kinds) {
      const OptionSpec* q = k.option(encoders_->quality_option);
      if (q && (q->type.kind != TypeKind::Enum || q->type.values != encoders_->levels))
        return fail(child(child(child("/kinds", k.name), "options"), q->name),
                    "must be an enum of the encoder table's levels");
    }
    return true;
  }

  bool load_kinds(const Json& root, std::vector<KindSpec>* out) {
    if (!object_at(root, "kinds", "", true)) return false;
    for (const auto& [name, j] : root["kinds"].items()) {
      std::string where = child("/kinds", name);
      if (!j.is_object()) return fail(where, "must be an object");
      if (!is_identifier(name)) return fail(where, "a kind name is a lowercase identifier");
      KindSpec k;
      k.name = name;
      if (!keys_in(j, where,
                   {"category", "doc", "accepts", "top_level_only", "produces", "execution",
                    "constants", "options", "constraints", "conditions"}) ||
          !doc_at(j, where, false) || !load_kind_flow(j, where, &k) ||
          !load_options(j, where, &k) || !load_default_rules(j, where, &k) ||
          !load_execution(j, where, &k) || !load_constants(j, where, &k) ||
          !load_constraints(j, where, &k))
        return false;
      k.doc = j["doc"].get<std::string>();
      out->push_back(std::move(k));
    }
    if (out->empty()) return fail("/kinds", "no kinds");
    return true;
  }

  // category, accepts, produces, top_level_only, conditions.
  bool load_kind_flow(const Json& j, const std::string& where, KindSpec* k) {
    if (!j.contains("category") || !j["category"].is_string() ||
        std::find(std::begin(kCategories), std::end(kCategories),
                  j["category"].get<std::string>()) == std::end(kCategories))
      return fail(child(where, "category"),
                  "must be one of input, media, track, intelligence, output, control");
    k->category = j["category"].get<std::string>();
    for (const char* flag : {"top_level_only", "conditions"}) {
      if (j.contains(flag) && !j[flag].is_boolean())
        return fail(child(where, flag), "must be true or false");
    }
    k->top_level_only = j.value("top_level_only", false);
    k->is_conditions = j.value("conditions", false);
    if (!j.contains("accepts") || !j["accepts"].is_array())
      return fail(child(where, "accepts"), "must be an array of file kinds");
    for (const auto& a : j["accepts"]) {
      auto fk = a.is_string() ? parse_file_kind(a.get<std::string>()) : std::nullopt;
      if (!fk) return fail(child(where, "accepts"), "unknown file kind " + a.dump());
      if (k->accepts & *fk) return fail(child(where, "accepts"), "lists " + a.dump() + " twice");
      k->accepts |= *fk;
    }
    if (k->top_level_only != (k->accepts == 0))
      return fail(child(where, "accepts"),
                  "is empty exactly when the kind is top_level_only (it starts a workflow)");
    if (!j.contains("produces") || !j["produces"].is_string())
      return fail(child(where, "produces"), "must be a file kind, \"media\" or \"input\"");
    std::string produces = j["produces"].get<std::string>();
    if (produces == "input") {
      if (k->top_level_only)
        return fail(child(where, "produces"), "a top-level kind has no input to pass through");
      k->passthrough = true;
    } else if (produces == "media") {
      k->produces = kMedia;
    } else if (auto fk = parse_file_kind(produces)) {
      k->produces = *fk;
    } else {
      return fail(child(where, "produces"),
                  "unknown '" + produces + "' (a file kind, \"media\" or \"input\")");
    }
    if (k->is_conditions && !k->passthrough)
      return fail(child(where, "produces"), "a conditions kind passes its input through");
    return true;
  }

  bool load_options(const Json& j, const std::string& where, KindSpec* k) {
    if (!object_at(j, "options", where, false)) return false;
    if (!j.contains("options")) return true;
    std::string base = child(where, "options");
    if (k->is_conditions && !j["options"].empty())
      return fail(base, "a conditions kind takes properties, not options");
    return read_fields(j["options"], base, &k->options, /*kind_level=*/true);
  }

  // The defaults that depend on other options (default_unless, default_from, default_by): the
  // options they name exist and have the right types, and every default they give fits.
  bool load_default_rules(const Json& j, const std::string& where, KindSpec* k) {
    for (const OptionSpec& o : k->options) {
      std::string at = child(child(where, "options"), o.name);
      for (const std::string& other : o.default_unless) {
        if (!k->option(other) || other == o.name)
          return fail(child(at, "default_unless"), "names no other option '" + other + "'");
      }
      if (o.default_from) {
        const OptionSpec* from = k->option(o.default_from->option);
        auto numeric = [](const TypeSpec& t) {
          return t.kind == TypeKind::Integer || t.kind == TypeKind::Number ||
                 t.kind == TypeKind::Seconds;
        };
        if (!from || from == &o || !numeric(from->type) || !numeric(o.type))
          return fail(child(at, "default_from"),
                      "must name another number option of a number option");
      }
      if (o.default_by) {
        const OptionSpec* by = k->option(o.default_by->option);
        if (!by || by == &o || by->type.kind != TypeKind::Enum)
          return fail(child(at, "default_by"), "must name another enum option");
        for (const auto& [value, fallback] : o.default_by->values) {
          if (std::find(by->type.values.begin(), by->type.values.end(), value) ==
              by->type.values.end())
            return fail(child(child(at, "default_by"), "values"),
                        "'" + value + "' is not a value of '" + by->name + "'");
          std::string why;
          if (!fits(o.type, Json::parse(fallback.dump()), &why))
            return fail(child(child(child(at, "default_by"), "values"), value),
                        fallback.dump() + " " + why);
        }
      }
    }
    return true;
  }

  bool load_execution(const Json& j, const std::string& where, KindSpec* k) {
    std::string at = child(where, "execution");
    if (!object_at(j, "execution", where, true)) return false;
    const Json& e = j["execution"];
    if (!keys_in(e, at, {"engine", "decodes", "fuses", "reads", "cost", "taps", "tap_source",
                        "shares"}))
      return false;
    Execution& x = k->execution;
    auto engine = e.contains("engine") && e["engine"].is_string()
                      ? parse_engine(e["engine"].get<std::string>())
                      : std::nullopt;
    if (!engine)
      return fail(child(at, "engine"), "must be one of transfer, probe, media, intelligence, gate");
    x.engine = *engine;
    auto cost = e.contains("cost") && e["cost"].is_string()
                    ? parse_cost(e["cost"].get<std::string>())
                    : std::nullopt;
    if (!cost)
      return fail(child(at, "cost"), "must name a cost model (catalog.h, Execution::Cost)");
    x.cost = *cost;
    if (e.contains("decodes")) {
      std::string d = e["decodes"].is_string() ? e["decodes"].get<std::string>() : "";
      if (d != "video" && d != "audio" && d != "video+audio")
        return fail(child(at, "decodes"), "must be video, audio or video+audio");
      x.decodes = d;
    }
    for (const char* flag : {"fuses", "taps", "tap_source"}) {
      if (e.contains(flag) && !e[flag].is_boolean())
        return fail(child(at, flag), "must be true or false");
    }
    x.fuses = e.value("fuses", false);
    x.taps = e.value("taps", false);
    x.tap_source = e.value("tap_source", false);
    if (e.contains("shares")) {
      if (!e["shares"].is_string() || e["shares"] != "transcript")
        return fail(child(at, "shares"), "must be transcript");
      x.shares = e["shares"].get<std::string>();
    }
    std::string reads = e.value("reads", "all");
    if (reads == "all") {
      x.reads = Execution::Reads::All;
    } else if (reads == "window") {
      x.reads = Execution::Reads::Window;
      if (!k->option("start") || !k->option("end"))
        return fail(child(at, "reads"), "a kind that reads a window has `start` and `end`");
    } else if (reads == "frame") {
      x.reads = Execution::Reads::Frame;
      if (!k->option("start"))
        return fail(child(at, "reads"), "a kind that reads a frame has `start`");
    } else {
      return fail(child(at, "reads"), "must be all, window or frame");
    }
    bool decodes_in_pass =
        x.engine == Execution::Engine::Media || x.engine == Execution::Engine::Intelligence;
    if (x.fuses && (!decodes_in_pass || x.decodes.empty()))
      return fail(child(at, "fuses"),
                  "only a media or intelligence kind that decodes can join a fused pass");
    if (!x.shares.empty() && !x.fuses)
      return fail(child(at, "shares"), "only a kind that joins a fused pass shares its results");
    if ((x.taps || x.tap_source) && x.decodes.find("video") == std::string::npos)
      return fail(child(at, x.taps ? "taps" : "tap_source"), "only a kind that decodes video");
    if ((x.engine == Execution::Engine::Gate) != k->is_conditions)
      return fail(child(at, "engine"), "a conditions kind, and only it, runs as a gate");
    return true;
  }

  bool load_constants(const Json& j, const std::string& where, KindSpec* k) {
    if (!object_at(j, "constants", where, false)) return false;
    if (!j.contains("constants")) return true;
    for (const auto& [name, c] : j["constants"].items()) {
      std::string at = child(child(where, "constants"), name);
      if (!is_identifier(name)) return fail(at, "a constant's name is a lowercase identifier");
      if (!c.is_object() || !keys_in(c, at, {"value", "doc"}) || !doc_at(c, at, true)) return false;
      if (!c.contains("value") || c["value"].is_null())
        return fail(child(at, "value"), "is missing");
      k->constants.push_back(
          {name, nlohmann::json::parse(c["value"].dump()), c["doc"].get<std::string>()});
    }
    return true;
  }

  // An object of named options (a kind's options, or an object type's fields). Defaults that
  // depend on other options are for a kind's own options only.
  bool read_fields(const Json& obj, const std::string& where, std::vector<OptionSpec>* out,
                   bool kind_level = false) {
    for (const auto& [name, j] : obj.items()) {
      std::string at = child(where, name);
      if (!is_identifier(name)) return fail(at, "an option name is a lowercase identifier");
      if (!j.is_object()) return fail(at, "must be an object");
      OptionSpec o;
      o.name = name;
      if (!doc_at(j, at, true) || !read_type(j, at, &o.type,
                                             {"doc", "default", "required", "default_unless",
                                              "default_from", "default_by", "encoders"}))
        return false;
      if (j.contains("encoders")) {
        const EncoderFamily* family = j["encoders"].is_string() && encoders_
                                          ? encoders_->family(j["encoders"].get<std::string>())
                                          : nullptr;
        if (!family) return fail(child(at, "encoders"), "must name a family of /encoders");
        if (o.type.kind != TypeKind::Enum) return fail(child(at, "encoders"), "applies to enums");
        for (const std::string& v : o.type.values) {
          if (!family->row(v))
            return fail(child(at, "encoders"),
                        "the '" + family->name + "' encoders have no row for '" + v + "'");
        }
        o.encoders = family->name;
      }
      for (const char* rule : {"default_unless", "default_from", "default_by"}) {
        if (j.contains(rule) && !kind_level)
          return fail(child(at, rule), "applies to a kind's own options only");
      }
      if (j.contains("default_unless")) {
        if (!j.contains("default"))
          return fail(child(at, "default_unless"), "needs a `default` to hold back");
        if (!j["default_unless"].is_array() || j["default_unless"].empty())
          return fail(child(at, "default_unless"), "must be a non-empty array of option names");
        for (const auto& n : j["default_unless"]) {
          if (!n.is_string()) return fail(child(at, "default_unless"), "names options");
          o.default_unless.push_back(n.get<std::string>());
        }
      }
      if (j.contains("default_from")) {
        const Json& f = j["default_from"];
        if (j.contains("default") || j.contains("default_by"))
          return fail(child(at, "default_from"), "is the option's only default");
        if (!f.is_object() || !keys_in(f, child(at, "default_from"), {"option", "add"}) ||
            !f.contains("option") || !f["option"].is_string() ||
            (f.contains("add") && !f["add"].is_number()))
          return fail(child(at, "default_from"), "must be {\"option\": name, \"add\": number}");
        o.default_from = DefaultFrom{f["option"].get<std::string>(), f.value("add", 0.0)};
      }
      if (j.contains("default_by")) {
        const Json& b = j["default_by"];
        if (j.contains("default"))
          return fail(child(at, "default_by"), "is the option's only default");
        if (!b.is_object() || !keys_in(b, child(at, "default_by"), {"option", "values"}) ||
            !b.contains("option") || !b["option"].is_string() || !b.contains("values") ||
            !b["values"].is_object() || b["values"].empty())
          return fail(child(at, "default_by"),
                      "must be {\"option\": name, \"values\": {value: default}}");
        DefaultBy by{b["option"].get<std::string>(), {}};
        for (const auto& [value, fallback] : b["values"].items())
          by.values.emplace_back(value, nlohmann::json::parse(fallback.dump()));
        o.default_by = std::move(by);
      }
      o.doc = j["doc"].get<std::string>();
      if (j.contains("required") && !j["required"].is_boolean())
        return fail(child(at, "required"), "must be true or false");
      o.required = j.value("required", false);
      if (j.contains("default")) {
        if (o.required) return fail(child(at, "default"), "a required option has no default");
        std::string why;
        if (!fits(o.type, j["default"], &why))
          return fail(child(at, "default"), j["default"].dump() + " " + why);
        o.default_value = nlohmann::json::parse(j["default"].dump());
      }
      out->push_back(std::move(o));
    }
    return true;
  }

  bool load_constraints(const Json& j, const std::string& where, KindSpec* k) {
    if (!j.contains("constraints")) return true;
    std::string base = child(where, "constraints");
    if (!j["constraints"].is_array()) return fail(base, "must be an array");
    size_t index = 0;
    for (const auto& c : j["constraints"]) {
      std::string at = base + "/" + std::to_string(index++);
      if (!c.is_object()) return fail(at, "must be an object");
      if (!keys_in(c, at, {"exclusive", "less", "requires", "allows", "doc"})) return false;
      if (c.contains("allows")) {
        if (c.size() != size_t(c.contains("doc") ? 2 : 1)) return fail(at, "'allows' stands alone");
        if (!load_allows(c["allows"], child(at, "allows"), k)) return false;
        k->constraints.back().doc = c.value("doc", "");
        continue;
      }
      Constraint rule;
      std::string type;
      for (const char* t : {"exclusive", "less", "requires"}) {
        if (!c.contains(t)) continue;
        if (!type.empty()) return fail(at, "has both '" + type + "' and '" + t + "'");
        type = t;
      }
      if (type.empty()) return fail(at, "needs one of 'exclusive', 'less', 'requires'");
      rule.type = type == "exclusive" ? Constraint::Type::Exclusive
                  : type == "less"    ? Constraint::Type::Less
                                      : Constraint::Type::Requires;
      std::string list_at = child(at, type);
      if (!c[type].is_array()) return fail(list_at, "must be an array of option names");
      for (const auto& n : c[type]) {
        if (!n.is_string()) return fail(list_at, "must be an array of option names");
        std::string name = n.get<std::string>();
        if (!k->option(name))
          return fail(list_at, "'" + k->name + "' has no option '" + name + "'");
        if (std::find(rule.options.begin(), rule.options.end(), name) != rule.options.end())
          return fail(list_at, "names '" + name + "' twice");
        rule.options.push_back(std::move(name));
      }
      if (rule.type == Constraint::Type::Exclusive ? rule.options.size() < 2
                                                   : rule.options.size() != 2)
        return fail(list_at, type == "exclusive" ? "needs at least two options"
                                                 : "needs exactly two options");
      if (rule.type == Constraint::Type::Less) {
        for (const auto& n : rule.options) {
          TypeKind t = k->option(n)->type.kind;
          if (t != TypeKind::Integer && t != TypeKind::Number && t != TypeKind::Seconds)
            return fail(list_at, "'" + n + "' is not a number, so it cannot be ordered");
        }
      }
      if (c.contains("doc")) {
        if (!c["doc"].is_string()) return fail(child(at, "doc"), "must be a string");
        rule.doc = c["doc"].get<std::string>();
      }
      k->constraints.push_back(std::move(rule));
    }
    return true;
  }

  // {"when": [enum option, value], "option": enum option, "values": [its values]}: with the
  // first option at that value, the second may take only those values.
  bool load_allows(const Json& a, const std::string& at, KindSpec* k) {
    auto enum_option = [&](const Json& name, const std::string& where) -> const OptionSpec* {
      const OptionSpec* o = name.is_string() ? k->option(name.get<std::string>()) : nullptr;
      if (!o || o->type.kind != TypeKind::Enum) {
        fail(where, "must name an enum option of '" + k->name + "'");
        return nullptr;
      }
      return o;
    };
    auto value_of = [&](const OptionSpec& o, const Json& v, const std::string& where) {
      if (!v.is_string() || std::find(o.type.values.begin(), o.type.values.end(),
                                      v.get<std::string>()) == o.type.values.end())
        return fail(where, v.dump() + " is not a value of '" + o.name + "'");
      return true;
    };
    if (!a.is_object() || !keys_in(a, at, {"when", "option", "values"}))
      return fail(at, "must be an object");
    if (!a.contains("when") || !a["when"].is_array() || a["when"].size() != 2)
      return fail(child(at, "when"), "must be [option, value]");
    const OptionSpec* when = enum_option(a["when"][0], child(at, "when"));
    if (!when || !value_of(*when, a["when"][1], child(at, "when"))) return false;
    const OptionSpec* option = enum_option(a.value("option", Json()), child(at, "option"));
    if (!option) return false;
    if (!a.contains("values") || !a["values"].is_array() || a["values"].empty())
      return fail(child(at, "values"), "must be a non-empty array of values");
    Constraint rule;
    rule.type = Constraint::Type::Allows;
    rule.options = {when->name, option->name};
    rule.when_value = a["when"][1].get<std::string>();
    for (const auto& v : a["values"]) {
      if (!value_of(*option, v, child(at, "values"))) return false;
      rule.values.push_back(v.get<std::string>());
    }
    k->constraints.push_back(std::move(rule));
    return true;
  }

  static bool is_scalar(TypeKind k) {
    return k != TypeKind::Array && k != TypeKind::Object && k != TypeKind::Map;
  }

  // Reads the type keys of `j` (plus `extra` keys the caller handles) into *out.
  bool read_type(const Json& j, const std::string& where, TypeSpec* out,
                 std::initializer_list<std::string_view> extra) {
    static constexpr std::string_view kTypeKeys[] = {"type",      "values",      "min",     "max",
                                                     "min_items", "max_items",   "schemes", "items",
                                                     "fields",    "pattern_doc", "measure"};
    for (const auto& [key, value] : j.items()) {
      if (std::find(std::begin(kTypeKeys), std::end(kTypeKeys), key) == std::end(kTypeKeys) &&
          std::find(extra.begin(), extra.end(), key) == extra.end())
        return fail(child(where, key), "unknown key '" + key + "'");
    }
    if (!j.contains("type") || !j["type"].is_string())
      return fail(child(where, "type"), "is missing");
    std::string name = j["type"].get<std::string>();
    auto kind = parse_type_kind(name);
    if (!kind) return fail(child(where, "type"), "unknown type '" + name + "'");
    out->kind = *kind;
    TypeKind k = *kind;

    auto only_for = [&](std::string_view key, bool allowed) {
      if (j.contains(key) && !allowed)
        return fail(child(where, key), "does not apply to type '" + name + "'");
      return true;
    };
    bool numeric = k == TypeKind::Integer || k == TypeKind::Number || k == TypeKind::Seconds ||
                   k == TypeKind::Dimension;
    if (!only_for("values", k == TypeKind::Enum) || !only_for("min", numeric) ||
        !only_for("max", numeric) || !only_for("min_items", k == TypeKind::Array) ||
        !only_for("max_items", k == TypeKind::Array) || !only_for("schemes", k == TypeKind::Url) ||
        !only_for("items", k == TypeKind::Array || k == TypeKind::Map) ||
        !only_for("fields", k == TypeKind::Object) ||
        !only_for("pattern_doc", k == TypeKind::String) ||
        !only_for("measure", k == TypeKind::Integer || k == TypeKind::Number))
      return false;

    if (k == TypeKind::Enum) {
      const Json* values = j.contains("values") ? &j["values"] : nullptr;
      if (!values || !values->is_array() || values->empty())
        return fail(child(where, "values"), "an enum needs a non-empty array of values");
      for (const auto& v : *values) {
        if (!v.is_string() || v.get<std::string>().empty())
          return fail(child(where, "values"), "enum values are non-empty strings");
        std::string s = v.get<std::string>();
        if (std::find(out->values.begin(), out->values.end(), s) != out->values.end())
          return fail(child(where, "values"), "lists '" + s + "' twice");
        out->values.push_back(std::move(s));
      }
    }
    if (numeric) {
      for (const char* key : {"min", "max"}) {
        if (!j.contains(key)) continue;
        const Json& v = j[key];
        bool integral = k == TypeKind::Integer || k == TypeKind::Dimension;
        if (!v.is_number() || (integral && !v.is_number_integer()))
          return fail(child(where, key), integral ? "must be an integer" : "must be a number");
        (std::string_view(key) == "min" ? out->min : out->max) = v.get<double>();
      }
      if (out->min && out->max && *out->min > *out->max)
        return fail(child(where, "min"), "is greater than max");
      if ((k == TypeKind::Seconds || k == TypeKind::Dimension) && out->min && *out->min < 0)
        return fail(child(where, "min"), "is negative");
    }
    if (k == TypeKind::Array) {
      for (const char* key : {"min_items", "max_items"}) {
        if (!j.contains(key)) continue;
        if (!j[key].is_number_unsigned()) return fail(child(where, key), "must be a count");
        (std::string_view(key) == "min_items" ? out->min_items : out->max_items) =
            j[key].get<size_t>();
      }
      if (out->min_items && out->max_items && *out->min_items > *out->max_items)
        return fail(child(where, "min_items"), "is greater than max_items");
    }
    if (k == TypeKind::Url && j.contains("schemes")) {
      if (!j["schemes"].is_array() || j["schemes"].empty())
        return fail(child(where, "schemes"), "must be a non-empty array of schemes");
      for (const auto& s : j["schemes"]) {
        if (!s.is_string() || !is_identifier(s.get<std::string>()))
          return fail(child(where, "schemes"), "a scheme is lowercase, such as \"https\"");
        out->schemes.push_back(s.get<std::string>());
      }
    }
    if (k == TypeKind::Array || k == TypeKind::Map) {
      if (!j.contains("items") || !j["items"].is_object())
        return fail(child(where, "items"), "an " + name + " needs an items type");
      out->items = std::make_shared<TypeSpec>();
      if (!read_type(j["items"], child(where, "items"), out->items.get(), {})) return false;
    }
    if (k == TypeKind::Object) {
      if (!j.contains("fields") || !j["fields"].is_object() || j["fields"].empty())
        return fail(child(where, "fields"), "an object needs fields");
      if (!read_fields(j["fields"], child(where, "fields"), &out->fields)) return false;
    }
    if (j.contains("measure")) {
      // What a unit literal may stand for (units.h); seconds measure durations by their type.
      std::string measure = j["measure"].is_string() ? j["measure"].get<std::string>() : "";
      out->measure = parse_measure(measure);
      if (!out->measure)
        return fail(child(where, "measure"),
                    "unknown measure " + j["measure"].dump() + " (duration, size, bitrate)");
    }
    if (j.contains("pattern_doc") && !j["pattern_doc"].is_string())
      return fail(child(where, "pattern_doc"), "must be a string");
    out->pattern_doc = j.value("pattern_doc", "");
    return true;
  }

  // Whether `v` is a valid value of `t`; otherwise *why says what is wrong ("is not ...").
  static bool fits(const TypeSpec& t, const Json& v, std::string* why) {
    auto in_range = [&](double x) {
      if ((t.min && x < *t.min) || (t.max && x > *t.max)) {
        *why = "is out of range (" + t.describe() + ")";
        return false;
      }
      return true;
    };
    auto is_not = [&](bool ok) {
      if (!ok) *why = "is not a valid value (" + t.describe() + ")";
      return ok;
    };
    switch (t.kind) {
      case TypeKind::String:
        return is_not(v.is_string());
      case TypeKind::Integer:
        return is_not(v.is_number_integer()) && in_range(v.get<double>());
      case TypeKind::Number:
        return is_not(v.is_number()) && in_range(v.get<double>());
      case TypeKind::Seconds:
        return is_not(v.is_number()) && in_range(v.get<double>()) && is_not(v.get<double>() >= 0);
      case TypeKind::Boolean:
        return is_not(v.is_boolean());
      case TypeKind::Enum:
        return is_not(v.is_string() && std::find(t.values.begin(), t.values.end(),
                                                 v.get<std::string>()) != t.values.end());
      case TypeKind::Dimension:
        if (v.is_string()) return is_not(is_percentage(v.get<std::string>()));
        return is_not(v.is_number_integer()) && in_range(v.get<double>());
      case TypeKind::Color:
        return is_not(v.is_string() && is_color(v.get<std::string>()));
      case TypeKind::Url: {
        if (!is_not(v.is_string())) return false;
        std::string s = v.get<std::string>();
        size_t colon = s.find("://");
        if (colon == std::string::npos || colon + 3 == s.size()) return is_not(false);
        return is_not(t.schemes.empty() || std::find(t.schemes.begin(), t.schemes.end(),
                                                     s.substr(0, colon)) != t.schemes.end());
      }
      case TypeKind::Language:
        return is_not(v.is_string() && is_language(v.get<std::string>()));
      case TypeKind::Expression:
        return is_not(v.is_string() && !v.get<std::string>().empty());
      case TypeKind::Array:
        if (!is_not(v.is_array())) return false;
        if ((t.min_items && v.size() < *t.min_items) || (t.max_items && v.size() > *t.max_items))
          return is_not(false);
        return std::all_of(v.begin(), v.end(),
                           [&](const Json& e) { return fits(*t.items, e, why); });
      case TypeKind::Object:
        if (!is_not(v.is_object())) return false;
        for (const auto& f : t.fields) {
          if (f.required && !v.contains(f.name)) return is_not(false);
        }
        for (const auto& item : v.items()) {
          // Not a structured binding: clang 14 (the fuzz build) cannot capture one.
          const std::string& key = item.key();
          auto f = std::find_if(t.fields.begin(), t.fields.end(),
                                [&](const OptionSpec& o) { return o.name == key; });
          if (f == t.fields.end() || !fits(f->type, item.value(), why)) return is_not(false);
        }
        return true;
      case TypeKind::Map:
        if (!is_not(v.is_object())) return false;
        for (const auto& [key, value] : v.items()) {
          if (!fits(*t.items, value, why)) return false;
        }
        return true;
    }
    return is_not(false);
  }
};

// nlohmann keeps the last of two equal keys silently; a catalog with a duplicated kind or
// option would lose the first without a word, so duplicates are found while parsing.
struct DuplicateFinder {
  std::vector<std::pair<std::set<std::string>, std::string>> frames;  // keys seen, path
  std::string last_key;
  std::string duplicate;  // "<pointer>: duplicate key 'x'"

  bool operator()(int /*depth*/, nlohmann::ordered_json::parse_event_t event,
                  nlohmann::ordered_json& parsed) {
    using E = nlohmann::ordered_json::parse_event_t;
    switch (event) {
      case E::object_start:
        frames.emplace_back(std::set<std::string>{},
                            frames.empty() ? std::string() : child(frames.back().second, last_key));
        break;
      case E::object_end:
        if (!frames.empty()) frames.pop_back();
        break;
      case E::key:
        last_key = parsed.get<std::string>();
        if (!frames.empty() && !frames.back().first.insert(last_key).second && duplicate.empty())
          duplicate = (frames.back().second.empty() ? "/" : frames.back().second) +
                      ": duplicate key '" + last_key + "'";
        break;
      default:
        break;
    }
    return true;
  }
};

std::string line_column(std::string_view text, size_t byte) {
  size_t line = 1, column = 1;
  for (size_t i = 0; i < byte && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return std::to_string(line) + ":" + std::to_string(column);
}

template <class T>
std::vector<uint16_t> sorted_index(const std::vector<T>& items) {
  std::vector<uint16_t> index(items.size());
  for (size_t i = 0; i < items.size(); ++i) index[i] = static_cast<uint16_t>(i);
  std::sort(index.begin(), index.end(),
            [&](uint16_t a, uint16_t b) { return items[a].name < items[b].name; });
  return index;
}

}  // namespace

std::unique_ptr<Catalog> Catalog::parse(std::string_view json, std::string* error) {
  std::string ignored;
  if (!error) error = &ignored;
  Json root;
  DuplicateFinder duplicates;
  try {
    root = Json::parse(json.begin(), json.end(), std::ref(duplicates));
  } catch (const nlohmann::json::parse_error& e) {
    // e.byte is 1-based: the position of the character that could not be read.
    // what() repeats the position in nlohmann's own words; keep only the reason.
    std::string what = e.what();
    size_t reason = what.find("syntax error");
    *error = line_column(json, e.byte == 0 ? 0 : e.byte - 1) +
             ": invalid JSON: " + (reason == std::string::npos ? what : what.substr(reason));
    return nullptr;
  }
  if (!duplicates.duplicate.empty()) {
    *error = duplicates.duplicate;
    return nullptr;
  }
  auto catalog = std::make_unique<Catalog>();
  Loader loader;
  if (!loader.load(root, catalog.get(), &catalog->kinds_, &catalog->properties_,
                   &catalog->operators_, &catalog->frame_properties_, &catalog->encoders_)) {
    *error = loader.error;
    return nullptr;
  }
  if (catalog->kinds_.size() > UINT16_MAX || catalog->properties_.size() > UINT16_MAX ||
      catalog->operators_.size() > UINT16_MAX || catalog->frame_properties_.size() > UINT16_MAX) {
    *error = "/: too many entries";
    return nullptr;
  }
  catalog->kind_index_ = sorted_index(catalog->kinds_);
  catalog->property_index_ = sorted_index(catalog->properties_);
  catalog->operator_index_ = sorted_index(catalog->operators_);
  catalog->frame_property_index_ = sorted_index(catalog->frame_properties_);
  catalog->source_ = nlohmann::json::parse(json.begin(), json.end());
  return catalog;
}

}  // namespace wfc::catalog
