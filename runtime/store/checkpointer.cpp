// The background checkpointer (see checkpointer.h).
#include "runtime/store/checkpointer.h"

namespace wfc::store::sqlite {

Checkpointer::Checkpointer(Connection& writer, std::unique_ptr<Connection> own, int pages)
    : writer_(writer), own_(std::move(own)), pages_(pages) {
  thread_ = std::thread([this] { loop(); });
  sqlite3_wal_hook(writer_.handle(), &Checkpointer::on_commit, this);
}

Checkpointer::~Checkpointer() {
  sqlite3_wal_hook(writer_.handle(), nullptr, nullptr);
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  wake_.notify_one();
  thread_.join();
}

int Checkpointer::on_commit(void* self, sqlite3*, const char*, int pages) {
  auto* c = static_cast<Checkpointer*>(self);
  if (pages >= c->pages_) {
    {
      std::lock_guard lock(c->mutex_);
      c->due_ = true;
    }
    c->wake_.notify_one();
  }
  return SQLITE_OK;
}

void Checkpointer::loop() {
  std::unique_lock lock(mutex_);
  for (;;) {
    wake_.wait(lock, [this] { return due_ || stop_; });
    bool last = stop_;
    due_ = false;
    lock.unlock();
    // PASSIVE never waits for the writer or readers; SQLITE_BUSY just means "try next time".
    sqlite3_wal_checkpoint_v2(own_->handle(), nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
    if (last) return;
    lock.lock();
  }
}

}  // namespace wfc::store::sqlite
