// Copyright 2026 The strandq Authors.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "backend/memory/memory_store.h"
#include "backend/sqlite/sqlite_db.h"
#include "core/model_changes.h"

namespace strandq {

// SqliteWriter is the StepJournal of the sqlite store: group commit. Record queues a step; one
// writer thread takes every step queued, writes them in one transaction and commits (with an
// fsync under synchronous=FULL), then wakes their callers; steps are committed in the order
// they were recorded. An ack appends the event's id to the table acked; its rows are deleted
// later, in bulk, in the transaction of a later step (SweepIfDue). Payloads are read from the
// Enqueue batch while its caller waits in Await, never copied. A failed commit is final: the store
// answers every later step with its error (the in-memory state is then ahead of the disk; reopening
// the database recovers what it holds). LoadPayloads reads on connections of its own, any number of
// threads at once. Record, Latest, Await and LoadPayloads may be called from any thread.
class SqliteWriter final : public StepJournal {
 public:
  // `db`: the connection the writer thread owns (WAL mode set); `path`: for readers.
  static Result<std::unique_ptr<SqliteWriter>> Start(SqliteDb db, std::string path);
  ~SqliteWriter() override;  // commits what is queued, then stops the thread

  uint64_t Record(ModelChanges changes, std::span<const NewEvent> batch) override;
  uint64_t Latest() const override;
  Status Await(uint64_t ticket) override;
  Status LoadPayloads(std::span<Event* const> events) override;

 private:
  struct Step {
    uint64_t ticket;
    ModelChanges changes;
    std::span<const NewEvent> batch;
  };
  struct Statements;  // prepared statements of the writer's connection (sqlite_writer.cc)
  struct Reader;

  SqliteWriter(SqliteDb db, std::string path);
  void Run();
  // Writes `steps` in one transaction and commits.
  Status Commit(std::vector<Step>& steps);
  Status Apply(const Step& step, std::map<uint32_t, ModelChanges::Account>& accounts);
  Status ApplyDead(const ModelChanges& changes);
  // Inserts `rows` (events and payloads) with `events` and `payloads`, statements of
  // rows.size() rows each.
  static Status InsertAccepted(SqliteStatement& events, SqliteStatement& payloads,
                               std::span<const ModelChanges::Accepted> rows,
                               std::span<const NewEvent> batch);
  // Deletes the acked events' rows (events, payloads, acked) once there are enough of them.
  Status SweepIfDue();
  Result<std::unique_ptr<Reader>> TakeReader();
  void ReturnReader(std::unique_ptr<Reader> reader);

  SqliteDb db_;  // the writer thread's
  std::unique_ptr<Statements> statements_;
  const std::string path_;
  // The writer thread's: rows in the tables events (acked ones included) and acked. A sweep
  // is due when the acked are at least kMinSweep and half of events.
  static constexpr uint64_t kMinSweep = 1024;
  uint64_t event_rows_ = 0;
  uint64_t acked_rows_ = 0;

  mutable std::mutex mu_;
  std::condition_variable queued_;     // the writer waits for steps here
  std::condition_variable committed_;  // callers wait for their ticket here
  // Guarded by mu_.
  std::vector<Step> queue_;
  uint64_t last_ticket_ = 0;
  uint64_t committed_ticket_ = 0;
  Status failed_;  // set once, by the writer thread
  bool stopping_ = false;

  std::mutex readers_mu_;
  std::vector<std::unique_ptr<Reader>> readers_;  // idle reader connections

  std::thread thread_;  // last: started once everything above exists
};

}  // namespace strandq
