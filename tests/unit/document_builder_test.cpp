// Document builder tests: the four document shapes, JSON pointers, and every shape diagnostic
// (WF110–WF115) with its exact span, message and hint.
#include "compiler/syntax/document_builder.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "tests/unit/test_diags.h"
#include "tests/unit/test_json.h"

using wfc::Span;
using wfc::ast::Document;
using wfc::ast::DocumentKind;
using Lines = std::vector<std::string>;

namespace {

struct Built {
  std::optional<Document> doc;
  Lines diags;
};

Built build(std::string_view json) {
  wfc::diag::Diagnostics diags("test.json");
  auto root = wfc::test::json(json);
  auto doc = wfc::syntax::build_document(root, diags);
  return {std::move(doc), wfc::test::describe(diags)};
}

}  // namespace

TEST_CASE("a bare array is a workflow; tasks, options and next carry spans and pointers",
          "[builder]") {
  auto b = build(R"([{"kind": "video", "options": {"width": 1280}, "next": [{"kind": "image"}]}])");
  REQUIRE(b.diags.empty());
  REQUIRE(b.doc);
  CHECK(b.doc->kind == DocumentKind::Workflow);
  CHECK(b.doc->workflow_pointer.empty());
  REQUIRE(b.doc->workflow.size() == 1);
  const auto& task = b.doc->workflow[0];
  CHECK(task.pointer == "/0");
  CHECK(task.kind.value == "video");
  CHECK(task.kind.span == Span{1, 11, 1, 18});
  CHECK(task.span == Span{1, 2, 1, 76});
  REQUIRE(task.options.size() == 1);
  CHECK(task.options[0].name == "width");
  CHECK(task.options[0].name_span == Span{1, 32, 1, 39});
  CHECK(task.options[0].value.integer == 1280);
  CHECK(task.options[0].pointer == "/0/options/width");
  CHECK(task.options_span == Span{1, 31, 1, 46});
  REQUIRE(task.next.size() == 1);
  CHECK(task.next[0].kind.value == "image");
  CHECK(task.next[0].pointer == "/0/next/0");
  CHECK(task.next_span == Span{1, 56, 1, 75});
}

TEST_CASE("an automation object keeps its fields and points into /workflow", "[builder]") {
  auto b = build(R"({
  "id": "thumbs",
  "name": "Process uploads",
  "description": "",
  "workflow": [{"kind": "summary", "ref": "sum_1", "label": "Summary"}],
  "status": "paused",
  "webhook_url": "https://example.com/hook",
  "metadata": {"team": "video"}
})");
  REQUIRE(b.diags.empty());
  REQUIRE(b.doc);
  CHECK(b.doc->kind == DocumentKind::Automation);
  CHECK(b.doc->id->value == "thumbs");
  CHECK(b.doc->name->value == "Process uploads");
  CHECK(b.doc->name->span == Span{3, 11, 3, 28});
  CHECK(b.doc->description->value.empty());
  CHECK(b.doc->status->value == "paused");
  CHECK(b.doc->webhook_url->value == "https://example.com/hook");
  REQUIRE(b.doc->metadata);
  CHECK(b.doc->workflow_pointer == "/workflow");
  CHECK(b.doc->workflow_span == Span{5, 15, 5, 72});
  REQUIRE(b.doc->workflow.size() == 1);
  CHECK(b.doc->workflow[0].pointer == "/workflow/0");
  CHECK(b.doc->workflow[0].ref->value == "sum_1");
  CHECK(b.doc->workflow[0].label->value == "Summary");
}

TEST_CASE("a run request lists its tasks in /tasks", "[builder]") {
  auto b =
      build(R"({"tasks": [{"kind": "ingest", "options": {"url": "https://example.com/v.mp4"}}, )"
            R"({"kind": "speech"}], "metadata": {"a": "b"}})");
  REQUIRE(b.diags.empty());
  REQUIRE(b.doc);
  CHECK(b.doc->kind == DocumentKind::RunRequest);
  CHECK(b.doc->workflow_pointer == "/tasks");
  REQUIRE(b.doc->workflow.size() == 2);
  CHECK(b.doc->workflow[0].options[0].pointer == "/tasks/0/options/url");
  CHECK(b.doc->workflow[1].pointer == "/tasks/1");
}

TEST_CASE("a single task is a document of one task at the root", "[builder]") {
  auto b = build(R"({"url": "https://example.com/video.mp4", "kind": "video", )"
                 R"("options": {"width": 720}, "folder": "out", "filename": "small.mp4"})");
  REQUIRE(b.diags.empty());
  REQUIRE(b.doc);
  CHECK(b.doc->kind == DocumentKind::Task);
  CHECK(b.doc->url->value == "https://example.com/video.mp4");
  REQUIRE(b.doc->workflow.size() == 1);
  CHECK(b.doc->workflow[0].pointer.empty());
  CHECK(b.doc->workflow[0].options[0].pointer == "/options/width");
  CHECK(b.doc->workflow[0].folder->value == "out");
  CHECK(b.doc->workflow[0].filename->value == "small.mp4");

  auto probe = build(R"({"kind": "probe", "input": {"url": "https://example.com/a.mp4"}})");
  REQUIRE(probe.diags.empty());
  REQUIRE(probe.doc->input);
  CHECK(probe.doc->input->find("url"));
}

TEST_CASE("pointers escape '~' and '/' (RFC 6901)", "[builder]") {
  auto b = build(R"([{"kind": "video", "options": {"a/b~c": 1}}])");
  REQUIRE(b.doc);
  CHECK(b.doc->workflow[0].options[0].pointer == "/0/options/a~1b~0c");
}

TEST_CASE("WF110: a document of no known shape", "[builder][WF110]") {
  auto b = build(R"({"id": "x", "steps": []})");
  CHECK_FALSE(b.doc);
  CHECK(b.diags ==
        Lines{"1:1-1:2 WF110 document is not an automation, run request, task or workflow array | "
              "a workflow file holds an automation {\"name\": ..., \"workflow\": [...]}, a run "
              "request {\"tasks\": [...]}, a single task {\"kind\": ..., \"options\": {...}} or a "
              "workflow array [{\"kind\": ...}, ...]"});

  auto scalar = build(R"("video")");
  CHECK_FALSE(scalar.doc);
  REQUIRE(scalar.diags.size() == 1);
  CHECK(scalar.diags[0].rfind(
            "1:1-1:8 WF110 expected an automation, run request, task or workflow array, got a "
            "string | ",
            0) == 0);
}

TEST_CASE("WF110: a misspelt shape key is reported once and the document is still built",
          "[builder][WF110]") {
  auto b = build(R"({"taks": [{"kind": "vidoe"}]})");
  CHECK(b.diags == Lines{"1:2-1:8 WF110 unknown document shape: no 'workflow', 'tasks' or "
                         "'kind' field | did you mean 'tasks'? @/taks"});
  REQUIRE(b.doc);
  CHECK(b.doc->kind == DocumentKind::RunRequest);
  CHECK(b.doc->workflow_pointer == "/taks");
  REQUIRE(b.doc->workflow.size() == 1);
  CHECK(b.doc->workflow[0].pointer == "/taks/0");
  CHECK(b.doc->workflow[0].kind.value == "vidoe");

  auto task = build(R"({"knid": "speech"})");
  CHECK(task.diags == Lines{"1:2-1:8 WF110 unknown document shape: no 'workflow', 'tasks' or "
                            "'kind' field | did you mean 'kind'? @/knid"});
  REQUIRE(task.doc);
  CHECK(task.doc->kind == DocumentKind::Task);
  CHECK(task.doc->workflow[0].kind.value == "speech");
}

TEST_CASE("an object with a name is an automation, even when its workflow is misspelt or missing",
          "[builder][WF111][WF113]") {
  auto typo = build(R"({"name": "x", "workfow": [{"kind": "vidoe"}]})");
  CHECK(typo.diags == Lines{"1:15-1:24 WF111 unknown field 'workfow' in an automation | did you "
                            "mean 'workflow'? @/workfow"});
  REQUIRE(typo.doc);
  CHECK(typo.doc->kind == DocumentKind::Automation);
  CHECK(typo.doc->workflow_pointer == "/workfow");
  REQUIRE(typo.doc->workflow.size() == 1);
  CHECK(typo.doc->workflow[0].pointer == "/workfow/0");

  auto missing = build(R"({"name": "Process uploads", "status": "active"})");
  CHECK(missing.diags == Lines{"1:1-1:2 WF113 automation is missing 'workflow' | add "
                               "\"workflow\": [...] with the tasks it runs, e.g. [{\"kind\": "
                               "\"video\"}]"});
  REQUIRE(missing.doc);
  CHECK(missing.doc->workflow.empty());
  CHECK_FALSE(missing.doc->workflow_span.valid());
}

TEST_CASE("WF111: an unknown task field suggests the field it was meant to be",
          "[builder][WF111]") {
  auto b = build(R"([{"kind": "video", "optons": {"width": 720}}])");
  CHECK(b.diags ==
        Lines{"1:20-1:28 WF111 unknown field 'optons' in a task | did you mean 'options'? "
              "@/0/optons"});
  // The misspelt field is read as `options`, so its contents are still checked.
  REQUIRE(b.doc);
  REQUIRE(b.doc->workflow[0].options.size() == 1);
  CHECK(b.doc->workflow[0].options[0].pointer == "/0/optons/width");
}

TEST_CASE("WF111: a misspelling of a field that is present is only reported", "[builder][WF111]") {
  auto b = build(R"([{"kind": "video", "options": {}, "optons": {"width": 720}}])");
  CHECK(b.diags ==
        Lines{"1:35-1:43 WF111 unknown field 'optons' in a task | did you mean 'options'? "
              "@/0/optons"});
  CHECK(b.doc->workflow[0].options.empty());
}

TEST_CASE("WF111: a misspelt 'kind' is not also reported missing", "[builder][WF111]") {
  auto b = build(R"([{"knid": "video"}])");
  CHECK(b.diags ==
        Lines{"1:3-1:9 WF111 unknown field 'knid' in a task | did you mean 'kind'? @/0/knid"});
  CHECK(b.doc->workflow[0].kind.value == "video");
}

TEST_CASE("WF111: hints for fields with no close match", "[builder][WF111]") {
  CHECK(build(R"([{"kind": "video", "colour": 1}])").diags ==
        Lines{"1:20-1:28 WF111 unknown field 'colour' in a task | expected one of: kind, "
              "options, next, ref, label, folder, filename @/0/colour"});
  CHECK(build(R"({"kind": "video", "created_at": 1})").diags ==
        Lines{"1:19-1:31 WF111 unknown field 'created_at' in a task | 'created_at' is set by "
              "the server; remove it @/created_at"});
  CHECK(build(R"([{"kind": "video", "url": "https://a.b/c"}])").diags ==
        Lines{"1:20-1:25 WF111 unknown field 'url' in a task | a task in a workflow works on its "
              "parent's output (the run's input at the top); to fetch a file, start with "
              "{\"kind\": \"ingest\", \"options\": {\"url\": ...}} @/0/url"});
  CHECK(build(R"({"kind": "video", "next": []})").diags ==
        Lines{"1:19-1:25 WF111 unknown field 'next' in a task | a single task cannot chain; "
              "write a run request {\"tasks\": [...]} instead @/next"});
  CHECK(build(R"([{"kind": "video", "conditions": {}}])").diags ==
        Lines{"1:20-1:32 WF111 unknown field 'conditions' in a task | conditions are a task of "
              "their own: {\"kind\": \"conditions\", \"options\": {...}, \"next\": [...]} "
              "@/0/conditions"});
  CHECK(build(R"({"name": "a", "workflow": [], "tasks": []})").diags ==
        Lines{"1:31-1:38 WF111 unknown field 'tasks' in an automation | an automation lists "
              "its tasks in 'workflow' @/tasks"});
  // Tasks under another name are the workflow, misnamed: one diagnostic, and they are read.
  auto steps = build(R"({"name": "a", "steps": [{"kind": "video"}]})");
  CHECK(steps.diags == Lines{"1:15-1:22 WF111 unknown field 'steps' in an automation | an "
                             "automation lists its tasks in 'workflow'; rename 'steps' @/steps"});
  REQUIRE(steps.doc);
  REQUIRE(steps.doc->workflow.size() == 1);
  CHECK(steps.doc->workflow[0].pointer == "/steps/0");
  CHECK(build(R"({"tasks": [], "webhook_uri": "https://a.b/"})").diags ==
        Lines{"1:15-1:28 WF111 unknown field 'webhook_uri' in a run request | did you mean "
              "'webhook_url'? @/webhook_uri"});
}

TEST_CASE("WF112: fields of the wrong type", "[builder][WF112]") {
  auto next = build(R"([{"kind": "video", "next": {"kind": "image"}}])");
  CHECK(next.diags == Lines{"1:28-1:45 WF112 'next' must be an array of tasks, got an object | "
                            "wrap the task in a list: [{...}] @/0/next"});
  // The lone task is still read, so a mistake inside it is reported too.
  REQUIRE(next.doc->workflow[0].next.size() == 1);
  CHECK(next.doc->workflow[0].next[0].pointer == "/0/next");

  CHECK(build(R"([{"kind": "video", "next": "image"}])").diags ==
        Lines{"1:28-1:35 WF112 'next' must be an array of tasks, got a string @/0/next"});
  CHECK(build(R"([{"kind": 5}])").diags ==
        Lines{"1:11-1:12 WF112 'kind' must be a string, got an integer @/0/kind"});
  CHECK(build(R"(["video"])").diags ==
        Lines{"1:2-1:9 WF112 task must be an object, got a string | write {\"kind\": "
              "\"video\"} @/0"});
  CHECK(build(R"([{"kind": "video", "options": [1]}])").diags ==
        Lines{"1:31-1:34 WF112 'options' must be an object, got an array @/0/options"});
  CHECK(build(R"([{"kind": "video", "ref": 1}])").diags ==
        Lines{"1:27-1:28 WF112 'ref' must be a string, got an integer @/0/ref"});
  CHECK(build(R"({"name": "a", "workflow": {"kind": "video"}})").diags ==
        Lines{"1:27-1:44 WF112 'workflow' must be an array of tasks, got an object | wrap the "
              "task in a list: [{...}] @/workflow"});
  CHECK(build(R"({"tasks": [], "metadata": []})").diags ==
        Lines{"1:27-1:29 WF112 'metadata' must be an object, got an array @/metadata"});
  CHECK(build(R"({"name": null, "workflow": []})").diags ==
        Lines{"1:10-1:14 WF112 'name' must be a string, got null @/name"});
}

TEST_CASE("WF113: missing required fields point at the object's first character",
          "[builder][WF113]") {
  CHECK(build(R"([{"options": {}}])").diags ==
        Lines{"1:2-1:3 WF113 task is missing 'kind' | every task needs a 'kind', e.g. "
              "\"kind\": \"video\" @/0"});
  CHECK(build(R"({"workflow": []})").diags ==
        Lines{"1:1-1:2 WF113 automation is missing 'name' | add \"name\": \"...\" to say what "
              "it is for"});
}

TEST_CASE("WF115: values a field cannot take", "[builder][WF115]") {
  CHECK(build(R"({"name": "a", "workflow": [], "status": "actve"})").diags ==
        Lines{"1:41-1:48 WF115 invalid status 'actve' | did you mean 'active'? @/status"});
  CHECK(build(R"({"name": "a", "workflow": [], "status": "on"})").diags ==
        Lines{"1:41-1:45 WF115 invalid status 'on' | status is 'active' or 'paused' @/status"});
  CHECK(build(R"([{"kind": "video", "ref": "my ref"}])").diags ==
        Lines{"1:27-1:35 WF115 invalid ref 'my ref' | a ref starts with an ASCII letter or '_' "
              "and holds only ASCII letters, digits, '_' and '-' @/0/ref"});
  CHECK(build(R"([{"kind": "video", "ref": "9lives"}])").diags.size() == 1);
  CHECK(build(R"([{"kind": "video", "ref": "_a-1"}])").diags.empty());
  CHECK(build(R"([{"kind": "video", "label": ""}])").diags ==
        Lines{"1:29-1:31 WF115 'label' must not be empty @/0/label"});
  CHECK(build(R"([{"kind": ""}])").diags ==
        Lines{"1:11-1:13 WF115 'kind' must not be empty | name a kind, e.g. \"video\"; `wfc "
              "docs kinds` lists them @/0/kind"});
  CHECK(build(R"([{"kind": "video", "filename": "a/b.mp4"}])").diags ==
        Lines{"1:32-1:41 WF115 'filename' must not contain '/', got 'a/b.mp4' | put "
              "directories in 'folder' @/0/filename"});
  CHECK(build(R"({"tasks": [], "webhook_url": "example.com/hook"})").diags ==
        Lines{"1:30-1:48 WF115 'webhook_url' must be an absolute http or https URL, got "
              "'example.com/hook' | e.g. \"https://example.com/hooks/wfc\" @/webhook_url"});
  CHECK(build(R"({"kind": "video", "url": "video.mp4"})").diags ==
        Lines{"1:26-1:37 WF115 'url' must be an absolute URL, got 'video.mp4' | e.g. "
              "\"https://example.com/video.mp4\" @/url"});
  CHECK(build(R"({"kind": "probe", "input": {}, "url": "https://a.b/c"})").diags ==
        Lines{"1:32-1:37 WF115 a task takes either 'url' or 'input', not both | 'url' means "
              "{\"input\": {\"url\": ...}}; keep one of them @/url"});
  // Misspelt, both are read as what they were meant to be; the conflict is still reported.
  auto typos = build(R"({"kind": "probe", "inptu": {}, "ulr": "https://a.b/c"})");
  CHECK(typos.diags.size() == 3);
  CHECK(typos.diags.back() ==
        "1:32-1:37 WF115 a task takes either 'url' or 'input', not both | 'url' means "
        "{\"input\": {\"url\": ...}}; keep one of them @/ulr");
}

TEST_CASE("the builder keeps going: every broken part is reported once, the rest is built",
          "[builder]") {
  auto b = build(R"([
  {"kind": "video", "optons": {}},
  "audio",
  {"kind": "image", "next": [{"label": "x"}, {"kind": "speech", "ref": "a b"}]}
])");
  CHECK(b.diags ==
        Lines{"2:21-2:29 WF111 unknown field 'optons' in a task | did you mean 'options'? "
              "@/0/optons",
              "3:3-3:10 WF112 task must be an object, got a string | write {\"kind\": "
              "\"audio\"} @/1",
              "4:30-4:31 WF113 task is missing 'kind' | every task needs a 'kind', e.g. "
              "\"kind\": \"video\" @/2/next/0",
              "4:72-4:77 WF115 invalid ref 'a b' | a ref starts with an ASCII letter or '_' and "
              "holds only ASCII letters, digits, '_' and '-' @/2/next/1/ref"});
  REQUIRE(b.doc);
  REQUIRE(b.doc->workflow.size() == 2);
  CHECK(b.doc->workflow[1].pointer == "/2");
  REQUIRE(b.doc->workflow[1].next.size() == 2);
  CHECK(b.doc->workflow[1].next[1].kind.value == "speech");
  CHECK_FALSE(b.doc->workflow[1].next[1].ref);
}

TEST_CASE("hostile names are cut short in messages and hints", "[builder]") {
  std::string key(100000, 'x');
  auto b = build("[{\"kind\": \"video\", \"" + key + "\": 1}]");
  REQUIRE(b.diags.size() == 1);
  CHECK(b.diags[0].rfind("1:20-1:100022 WF111 unknown field '" + std::string(64, 'x') +
                             "…' in a task | expected one of: ",
                         0) == 0);
  auto task = build("[\"" + key + "\"]");
  REQUIRE(task.diags.size() == 1);
  CHECK(task.diags[0].find(" | a task is an object with a 'kind'") != std::string::npos);
}
