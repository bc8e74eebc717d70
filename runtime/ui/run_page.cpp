// The run page (see dashboard.h): the task tree with statuses, progress, errors and times, and
// every output previewed by what it is: videos in <video> (HLS through hls.js) with the run's
// subtitles and chapters as tracks, audio, images and GIFs, thumbnail sprites cut by their VTT,
// the transcript's timeline, chapters as markers, the summary and the nsfw verdicts. Text
// outputs (VTT, JSON) are read from the data directory and rendered here, so the page reads
// without JavaScript; app.js seeks the video from the timelines and keeps the page live.
#include <fmt/format.h>

#include <fstream>
#include <functional>
#include <map>
#include <sstream>

#include "runtime/api/sign_urls.h"
#include "runtime/model/status.h"
#include "runtime/store/wire_json.h"
#include "runtime/ui/dashboard.h"
#include "runtime/ui/html.h"

namespace wfc::ui {

namespace {

using nlohmann::json;

constexpr size_t kMaxTextBytes = 2u << 20;

std::string str(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : "";
}

std::string lower_ext(std::string path) {
  size_t q = path.find('?');
  if (q != std::string::npos) path.resize(q);
  size_t dot = path.rfind('.');
  if (dot == std::string::npos || path.find('/', dot) != std::string::npos) return "";
  std::string e = path.substr(dot + 1);
  for (char& c : e) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return e;
}

/// An output as the page needs it: what it is, where the browser gets it, where the disk has it.
struct Output {
  json file;         // the File object (signed url)
  std::string url;   // signed
  std::string path;  // relative to the run's directory ("" when not this server's file)
  std::string ext;   // lower-case extension
  std::string task_kind, node;
};

struct Cue {
  double start = 0, end = 0;
  std::string text;
};

double vtt_time(std::string_view t) {
  double total = 0, part = 0, frac = 0, scale = 0;
  for (char c : t) {
    if (c == ':') {
      total = (total + part) * 60;
      part = 0;
    } else if (c == '.' || c == ',') {
      scale = 0.1;
    } else if (c >= '0' && c <= '9') {
      if (scale > 0) {
        frac += (c - '0') * scale;
        scale /= 10;
      } else {
        part = part * 10 + (c - '0');
      }
    }
  }
  return total + part + frac;
}

/// The cues of a WebVTT or SRT text.
std::vector<Cue> parse_cues(const std::string& text) {
  std::vector<Cue> cues;
  std::istringstream in(text);
  std::string line;
  Cue* open = nullptr;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    size_t arrow = line.find("-->");
    if (arrow != std::string::npos) {
      Cue c;
      c.start = vtt_time(line.substr(0, arrow));
      std::string rest = line.substr(arrow + 3);
      size_t b = rest.find_first_not_of(' ');
      size_t e = rest.find(' ', b);
      c.end = vtt_time(rest.substr(b, e == std::string::npos ? e : e - b));
      cues.push_back(c);
      open = &cues.back();
    } else if (line.empty()) {
      open = nullptr;
    } else if (open) {
      open->text += (open->text.empty() ? "" : "\n") + line;
    }
  }
  return cues;
}

std::string clock(double s) {
  int total = static_cast<int>(s);
  return total >= 3600 ? fmt::format("{}:{:02}:{:02}", total / 3600, total / 60 % 60, total % 60)
                       : fmt::format("{}:{:02}", total / 60, total % 60);
}

/// A "seek" link: app.js moves the run's first video there; without JS it reads as a time.
std::string seek(double s) {
  return fmt::format("<button type=\"button\" class=\"seek\" data-seek=\"{:.3f}\">{}</button>", s,
                     clock(s));
}

std::string read_text(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return "";
  std::string text(kMaxTextBytes, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<size_t>(in.gcount()));
  return text;
}

class Previews {
 public:
  Previews(const api::Context& ctx, const std::string& run_id, std::vector<Output> outputs)
      : dir_(ctx.config.data_dir / "runs" / run_id), outputs_(std::move(outputs)) {}

  std::string text_of(const Output& o) const {
    if (o.path.empty() || o.path.find("..") != std::string::npos) return "";
    return read_text(dir_ / o.path);
  }

  /// <track>s for a video: the run's subtitles and chapters in WebVTT.
  std::string tracks() const {
    std::string out;
    bool first = true;
    for (const Output& o : outputs_) {
      if (o.ext != "vtt") continue;
      if (o.task_kind == "subtitles") {
        out += fmt::format(
            "<track kind=\"subtitles\" label=\"Subtitles ({})\" srclang=\"{}\" src=\"{}\"{}>",
            esc(o.node), esc(str(o.file, "language").empty() ? "en" : str(o.file, "language")),
            esc(o.url), first ? " default" : "");
        first = false;
      } else if (o.task_kind == "chapters") {
        out += fmt::format("<track kind=\"chapters\" label=\"Chapters\" src=\"{}\">", esc(o.url));
      }
    }
    return out;
  }

  std::string render(const Output& o) const {
    const std::string& e = o.ext;
    std::string name = str(o.file, "filename");
    if (name.empty()) name = o.path.empty() ? o.url : o.path;
    std::string link = fmt::format("<a href=\"{}\" download>{}</a>", esc(o.url), esc(name));
    std::string body;
    if (e == "m3u8" || str(o.file, "format") == "hls") {
      body = fmt::format(
          "<video controls muted playsinline preload=\"metadata\" crossorigin=\"anonymous\" "
          "data-hls=\"{}\">{}</video>",
          esc(o.url), tracks());
    } else if (e == "mp4" || e == "webm" || e == "mov" || e == "mkv" || e == "m4v") {
      body = fmt::format(
          "<video controls muted playsinline preload=\"metadata\" crossorigin=\"anonymous\" "
          "src=\"{}\">{}</video>",
          esc(o.url), tracks());
    } else if (e == "mp3" || e == "m4a" || e == "aac" || e == "ogg" || e == "opus" || e == "wav" ||
               e == "flac") {
      body = fmt::format("<audio controls preload=\"metadata\" src=\"{}\"></audio>", esc(o.url));
    } else if (e == "jpg" || e == "jpeg" || e == "png" || e == "webp" || e == "gif" ||
               e == "avif") {
      if (o.task_kind == "thumbnails") return "";  // shown cut by its VTT
      body = fmt::format("<img loading=\"lazy\" src=\"{}\" alt=\"{} output {}\">", esc(o.url),
                         esc(o.task_kind), esc(name));
    } else if ((e == "vtt" || e == "srt") && o.task_kind == "thumbnails") {
      body = sprites(o);
    } else if (e == "vtt" || e == "srt") {
      body = cue_list(o);
    } else if (e == "json") {
      body = json_preview(o);
    }
    return fmt::format(
        "<figure class=\"output output-{}\">{}<figcaption>{} {}</figcaption>"
        "</figure>",
        esc(o.task_kind), body, link,
        str(o.file, "kind").empty() ? "" : "(" + esc(str(o.file, "kind")) + ")");
  }

 private:
  /// Thumbnail sprites: each cue's tile cut from its sheet (`sheet.jpg#xywh=x,y,w,h`) by an
  /// SVG viewBox.
  std::string sprites(const Output& o) const {
    std::string out = "<ol class=\"sprites\">";
    int shown = 0;
    for (const Cue& c : parse_cues(text_of(o))) {
      if (++shown > 60) break;
      std::string ref = c.text;
      size_t hash = ref.find("#xywh=");
      std::string sheet = ref.substr(0, hash);
      int x = 0, y = 0, w = 0, h = 0;
      if (hash != std::string::npos)
        std::sscanf(ref.c_str() + hash + 6, "%d,%d,%d,%d", &x, &y, &w, &h);
      std::string sheet_url;
      for (const Output& s : outputs_) {
        if (s.node == o.node && !s.path.empty() && s.path.size() >= sheet.size() &&
            s.path.compare(s.path.size() - sheet.size(), sheet.size(), sheet) == 0) {
          sheet_url = s.url;
        }
      }
      if (sheet_url.empty() || w <= 0 || h <= 0) continue;
      out += fmt::format(
          "<li><svg role=\"img\" viewBox=\"{} {} {} {}\" width=\"{}\" height=\"{}\">"
          "<title>Thumbnail at {}</title><image href=\"{}\"/></svg>{}</li>",
          x, y, w, h, std::min(w, 160), std::min(w, 160) * h / w, clock(c.start), esc(sheet_url),
          seek(c.start));
    }
    return out + "</ol>";
  }

  std::string cue_list(const Output& o) const {
    std::string out = fmt::format("<ol class=\"cues\" data-kind=\"{}\">", esc(o.task_kind));
    for (const Cue& c : parse_cues(text_of(o))) {
      out += fmt::format("<li>{} <span>{}</span></li>", seek(c.start), esc(c.text));
    }
    return out + "</ol>";
  }

  std::string json_preview(const Output& o) const {
    json j = json::parse(text_of(o), nullptr, false);
    if (j.is_discarded()) return "";
    std::string kind = j.is_object() ? str(j, "kind") : "";
    if (kind == "speech" || (j.is_object() && j.contains("timeline") && kind != "nsfw")) {
      std::string out = "<ol class=\"transcript\">";
      for (const json& s : j.value("timeline", json::array())) {
        out +=
            fmt::format("<li>{} {}<span>{}</span></li>", seek(s.value("start", 0.0)),
                        str(s, "speaker").empty() ? "" : "<b>" + esc(str(s, "speaker")) + "</b> ",
                        esc(str(s, "text")));
      }
      if (j.value("timeline", json::array()).empty())
        out += "<li>" + esc(str(j, "description").empty() ? "No speech." : str(j, "description")) +
               "</li>";
      return out + "</ol>";
    }
    if (kind == "summary") {
      std::string keywords;
      for (const json& k : j.value("keywords", json::array()))
        if (k.is_string()) keywords += "<li>" + esc(k.get<std::string>()) + "</li>";
      return fmt::format(
          "<div class=\"summary\"><h4>{}</h4><p>{}</p><ul class=\"keywords\">{}"
          "</ul></div>",
          esc(str(j, "title")),
          esc(str(j, "summary").empty() ? str(j, "description") : str(j, "summary")), keywords);
    }
    if (kind == "nsfw") {
      std::string rows;
      for (const char* c : {"nudity", "sexual", "violence", "gore"}) {
        const json& v = j.value(c, json());
        std::string verdict = v.is_boolean() ? (v.get<bool>() ? "yes" : "no") : "not judged";
        std::string severity;
        if (j.contains("severity") && j["severity"].is_object() && j["severity"].contains(c) &&
            j["severity"][c].is_string())
          severity = j["severity"][c].get<std::string>();
        rows += fmt::format(
            "<tr><th scope=\"row\">{}</th><td class=\"verdict-{}\">{}</td>"
            "<td>{}</td></tr>",
            c, v.is_boolean() && v.get<bool>() ? "yes" : "no", verdict, esc(severity));
      }
      return fmt::format(
          "<table class=\"nsfw\"><caption>{}</caption><thead><tr><th "
          "scope=\"col\">Category</th><th scope=\"col\">Verdict</th><th "
          "scope=\"col\">Severity</th></tr></thead><tbody>{}</tbody></table>",
          esc(str(j, "description")), rows);
    }
    if (j.is_object() && j.contains("chapters")) {
      std::string out = "<ol class=\"chapters\">";
      for (const json& c : j["chapters"]) {
        out += fmt::format("<li>{} {}</li>", seek(c.value("start", 0.0) / 1000.0),
                           esc(str(c, "title")));
      }
      return out + "</ol>";
    }
    return "<pre class=\"json\">" + esc(j.dump(2).substr(0, 4000)) + "</pre>";
  }

  std::filesystem::path dir_;
  std::vector<Output> outputs_;
};

}  // namespace

void run_page(const PageContext& p, api::Call& call) {
  std::string csrf = csrf_of(p, call.req);
  auto run = p.ctx.store.get_run(call.params[0]);
  if (!run) {
    return send_html(call.res, 404,
                     frame("Not found", "runs", csrf,
                           "<h1>Not found</h1><p>No run " + esc(call.params[0]) + ".</p>"));
  }
  json raw = store::to_json(*run);
  json signed_run = api::signed_urls(raw, p.ctx.config.url_signing);
  std::vector<Output> outputs;
  for (size_t i = 0; i < raw["tasks"].size(); ++i) {
    const json& t = raw["tasks"][i];
    const json& ts = signed_run["tasks"][i];
    for (size_t k = 0; k < t.value("outputs", json::array()).size(); ++k) {
      Output o;
      o.file = ts["outputs"][k];
      o.url = str(o.file, "url");
      auto parsed = api::parse_file_url(str(t["outputs"][k], "url"));
      if (parsed && parsed->run_id == run->id) o.path = parsed->path;
      o.ext = lower_ext(o.path.empty() ? o.url : o.path);
      o.task_kind = str(t, "kind");
      o.node = str(t, "node");
      outputs.push_back(std::move(o));
    }
  }
  Previews previews(p.ctx, run->id, outputs);
  // The task tree: children under their parent.
  std::map<std::string, std::vector<const store::Task*>> children;
  for (const store::Task& t : run->tasks) children[t.parent_id].push_back(&t);
  std::function<std::string(const std::string&)> tree = [&](const std::string& parent) {
    auto it = children.find(parent);
    if (it == children.end()) return std::string();
    std::string out = "<ul class=\"tasks\">";
    for (const store::Task* t : it->second) {
      std::string st(model::status_name(t->status));
      std::string error;
      if (t->error.is_object()) {
        error = fmt::format("<p class=\"error\" role=\"alert\"><strong>{}</strong>: {}</p>",
                            esc(str(t->error, "kind")), esc(str(t->error, "message")));
      }
      std::string outs;
      for (const Output& o : outputs) {
        if (o.node == t->node) outs += previews.render(o);
      }
      out += fmt::format(
          "<li class=\"task\" data-node=\"{0}\" data-task=\"{1}\"><div class=\"task-head\">"
          "<span class=\"kind\">{2}</span> <code>{0}</code> <span class=\"st\">{3}</span> "
          "<progress max=\"100\" value=\"{4}\">{5}%</progress> "
          "<span class=\"times\">started {6}, finished {7}{8}</span></div>{9}{10}"
          "<div class=\"outputs\">{11}</div>{12}</li>",
          esc(t->node), esc(t->id), esc(t->kind), badge(st), t->progress,
          static_cast<int>(t->progress), when(t->started_at), when(t->finished_at),
          t->started_at ? ", took " + esc(duration(t->started_at, t->finished_at)) : "", error,
          t->skip_reason.empty() ? ""
                                 : "<p class=\"skip\">Skipped: " + esc(t->skip_reason) + "</p>",
          outs, tree(t->id));
    }
    return out + "</ul>";
  };
  std::string st(model::status_name(run->status));
  bool live = !model::is_terminal(run->status);
  std::string actions;
  if (live) {
    actions += fmt::format(
        "<form method=\"post\" action=\"/ui/runs/{}/cancel\"><input type=\"hidden\" name=\"csrf\" "
        "value=\"{}\"><button type=\"submit\">Cancel</button></form>",
        esc(run->id), esc(csrf));
  }
  if (!run->automation_id.empty()) {
    actions += fmt::format(
        "<form method=\"post\" action=\"/ui/runs/{}/rerun\"><input type=\"hidden\" name=\"csrf\" "
        "value=\"{}\"><button type=\"submit\">Re-run</button></form>",
        esc(run->id), esc(csrf));
  }
  std::string error;
  if (run->error.is_object()) {
    error = fmt::format("<p class=\"error\" role=\"alert\"><strong>{}</strong>: {}</p>",
                        esc(str(run->error, "kind")), esc(str(run->error, "message")));
  }
  std::string main = fmt::format(
      "<div id=\"run\" data-run=\"{0}\" data-live=\"{1}\">"
      "<h1>Run <code>{0}</code></h1>"
      "<dl class=\"facts\"><dt>Status</dt><dd id=\"run-status\" class=\"st\">{2}</dd>"
      "<dt>Progress</dt><dd><progress id=\"run-progress\" max=\"100\" value=\"{3}\">{4}%</progress>"
      "</dd><dt>Automation</dt><dd>{5}</dd><dt>Input</dt><dd><code>{6}</code></dd>"
      "<dt>Created</dt><dd>{7}</dd><dt>Started</dt><dd>{8}</dd><dt>Finished</dt><dd>{9}</dd>"
      "</dl>{10}<div class=\"actions\">{11}</div>"
      "<section aria-labelledby=\"tasks-h\"><h2 id=\"tasks-h\">Tasks</h2>{12}</section></div>",
      esc(run->id), live ? "1" : "0", badge(st), run->progress, static_cast<int>(run->progress),
      run->automation_id.empty()
          ? "—"
          : fmt::format("<a href=\"/ui/automations/{0}\"><code>{0}</code></a>",
                        esc(run->automation_id)),
      esc(run->input_url), when(run->created_at), when(run->started_at), when(run->finished_at),
      error, actions, tree(""));
  send_html(call.res, 200, frame("Run " + run->id, "runs", csrf, main));
}

}  // namespace wfc::ui
