# The two commands: `make run` and `make test`. Both install what is missing first.
BUILD_DIR   ?= build
BUILD_TYPE  ?= RelWithDebInfo
JOBS        ?= $(shell nproc)
FUZZ_DIR    ?= build-fuzz
FUZZ_SECONDS ?= 30
CMAKE_FLAGS ?=

.PHONY: all deps build run test fuzz bench docs format clean

all: build

deps:
	@tools/install-deps

$(BUILD_DIR)/build.ninja: | deps
	cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) $(CMAKE_FLAGS)

build: deps $(BUILD_DIR)/build.ninja
	cmake --build $(BUILD_DIR) -j $(JOBS)

# The API server for development (tools/dev-server): workflows/ as automations, a dev key and
# curl examples that work as printed.
run: build
	tools/dev-server $(BUILD_DIR)

test: build
	cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS)

# libFuzzer targets for every reader, built with clang-14 + ASan/UBSan in their own tree.
fuzz: deps
	cmake -S . -B $(FUZZ_DIR) -G Ninja -DCMAKE_BUILD_TYPE=Debug -DWFC_FUZZ=ON \
	  -DCMAKE_C_COMPILER=clang-14 -DCMAKE_CXX_COMPILER=clang++-14
	cmake --build $(FUZZ_DIR) -j $(JOBS) --target fuzz_targets
	tools/fuzz/run-all $(FUZZ_DIR) $(FUZZ_SECONDS)

# The validate benchmark (not a test): wfc validate on 10,000 JSON and YAML files, beside ajv-cli.
bench: build
	tools/install-deps --bench
	tools/bench/validate/run $(BUILD_DIR)
	tools/bench/predicates/run $(BUILD_DIR)

# Regenerates the generated references: kinds from the catalog, diagnostics from the code
# registry (a test fails when either is stale).
docs: build
	$(BUILD_DIR)/tools/wfc/wfc docs kinds > docs/kinds.md
	$(BUILD_DIR)/tools/wfc/wfc docs diagnostics > docs/diagnostics.md

format:
	git ls-files '*.cpp' '*.h' | xargs clang-format -i

clean:
	rm -rf $(BUILD_DIR) $(FUZZ_DIR)
