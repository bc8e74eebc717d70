#include "compiler/frontend.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>

#include "compiler/check/cascades.h"
#include "compiler/check/checker.h"
#include "compiler/check/quantities.h"
#include "compiler/syntax/document_builder.h"
#include "compiler/syntax/dsl/dsl_reader.h"
#include "compiler/syntax/json/json_reader.h"
#include "compiler/syntax/yaml/yaml_reader.h"

namespace wfc {
namespace {

std::string human_size(size_t bytes) {
  char buf[32];
  if (bytes >= (1u << 20)) {
    std::snprintf(buf, sizeof buf, "%.1f MiB", double(bytes) / double(1u << 20));
  } else {
    std::snprintf(buf, sizeof buf, "%zu bytes", bytes);
  }
  return buf;
}

void too_large(diag::Diagnostics& diags, size_t size, bool exact, const syntax::Limits& limits) {
  diags.add(diag::Code::TooLarge, Span{1, 1, 1, 1},
            (exact ? "file is " + human_size(size) : "file is larger than " + human_size(size)) +
                "; workflow files are limited to " + human_size(limits.max_bytes),
            "split the workflow, or check that the path names a workflow file");
}

/// WF100 for a path that names a FIFO, socket or device: refused without reading from it.
void not_regular(diag::Diagnostics& diags, const std::string& path, mode_t mode) {
  std::string what = S_ISFIFO(mode)                   ? "a FIFO (named pipe)"
                     : S_ISSOCK(mode)                 ? "a socket"
                     : S_ISCHR(mode) || S_ISBLK(mode) ? "a device"
                                                      : "not a regular file";
  diags.add(diag::Code::IoError, Span{},
            "'" + path + "' is " + what + "; only regular files are read as workflows",
            "give the path of a workflow file, or '-' to read standard input");
}

}  // namespace

std::optional<SourceFile> load_source(const std::string& path, diag::Diagnostics& diags,
                                      const syntax::Limits& limits) {
  std::string text;
  if (path == "-") {
    // Standard input: read at most one byte past the limit, so a huge stream costs nothing.
    text.resize(limits.max_bytes + 1);
    size_t got = std::fread(text.data(), 1, text.size(), stdin);
    text.resize(got);
    if (text.size() > limits.max_bytes) {
      too_large(diags, limits.max_bytes, false, limits);
      return std::nullopt;
    }
    return SourceFile("<stdin>", std::move(text));
  }
  // Only regular files are read: a FIFO would block until someone writes to it, a device may
  // never end. The path is checked before opening (opening a device can have effects), and the
  // descriptor again after (the path may have been swapped in between); O_NONBLOCK makes that
  // open return at once even if a FIFO was swapped in.
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    diags.add(diag::Code::IoError, Span{}, "cannot read '" + path + "': " + std::strerror(errno));
    return std::nullopt;
  }
  if (S_ISDIR(st.st_mode)) {
    diags.add(diag::Code::IoError, Span{}, "'" + path + "' is a directory");
    return std::nullopt;
  }
  if (!S_ISREG(st.st_mode)) {
    not_regular(diags, path, st.st_mode);
    return std::nullopt;
  }
  if (static_cast<size_t>(st.st_size) > limits.max_bytes) {
    too_large(diags, static_cast<size_t>(st.st_size), true, limits);
    return std::nullopt;
  }
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  if (fd < 0) {
    diags.add(diag::Code::IoError, Span{}, "cannot read '" + path + "': " + std::strerror(errno));
    return std::nullopt;
  }
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    not_regular(diags, path, st.st_mode);
    return std::nullopt;
  }
  std::FILE* f = ::fdopen(fd, "rb");
  if (!f) {
    ::close(fd);
    diags.add(diag::Code::IoError, Span{}, "cannot read '" + path + "': " + std::strerror(errno));
    return std::nullopt;
  }
  // Read to EOF (the file may grow while read), never past the limit.
  text.resize(std::min(static_cast<size_t>(st.st_size), limits.max_bytes) + 1);
  size_t len = 0;
  for (;;) {
    size_t got = std::fread(text.data() + len, 1, text.size() - len, f);
    len += got;
    if (got == 0 || len > limits.max_bytes) break;
    if (len == text.size()) text.resize(std::min(text.size() * 2, limits.max_bytes + 1));
  }
  bool failed = std::ferror(f);
  std::fclose(f);
  if (failed) {
    diags.add(diag::Code::IoError, Span{}, "error reading '" + path + "'");
    return std::nullopt;
  }
  if (len > limits.max_bytes) {
    too_large(diags, limits.max_bytes, false, limits);
    return std::nullopt;
  }
  text.resize(len);
  return SourceFile(path, std::move(text));
}

FrontendResult compile_source(const SourceFile& source, syntax::Syntax syntax,
                              const catalog::Catalog& catalog, const syntax::Limits& limits) {
  FrontendResult result{std::nullopt, diag::Diagnostics(source.path())};
  auto& diags = result.diagnostics;
  if (syntax::precheck(source, diags, limits)) {
    std::optional<Value> root;
    std::vector<Span> incomplete;  // DSL: what a syntax error took (syntax/dsl/dsl_reader.h)
    switch (syntax) {
      case syntax::Syntax::Json:
        root = syntax::read_json(source, diags, limits);
        break;
      case syntax::Syntax::Yaml:
        root = syntax::read_yaml(source, diags, limits);
        break;
      case syntax::Syntax::Dsl:
        root = syntax::read_dsl_recovering(source, diags, incomplete, limits);
        // Unit literals (`2s`) are typed and converted before anything else reads the tree; their
        // mistakes count as the reader's (check/cascades.h).
        if (root) check::resolve_quantities(*root, catalog, diags, incomplete);
        result.partial = root && diags.has_errors();
        break;
    }
    if (root) {
      size_t read = diags.size();
      result.document = syntax::build_document(*root, diags);
      if (result.document) {
        result.document->infix_conditions = syntax == syntax::Syntax::Dsl;
        check::check_document(*result.document, catalog, diags);
        check::drop_cascades(*result.document, incomplete, diags, read);
      }
    }
  }
  diags.sort();
  return result;
}

}  // namespace wfc
