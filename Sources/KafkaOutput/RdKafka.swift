// Every librdkafka call wirebeat makes lives in this file (ARCHITECTURE.md, "Targets"): the producer behind
// output.kafka (produceva with copied bytes, delivery reports, Beats-compatible partitioner callback, client
// errors and logs), cluster metadata for `test output`, a plain consumer for tests, the demo and benchmarks, and
// the mock cluster behind `wirebeat devbroker`, librdkafka's in-process Kafka-protocol broker.

import CRdKafka
import Config
import Logging
import Synchronization

/// Why librdkafka refused something.
public struct KafkaError: Error, Sendable, CustomStringConvertible {
    /// What failed and librdkafka's reason.
    public let message: String
    /// An error described by `message`.
    public init(_ message: String) { self.message = message }
    /// The message.
    public var description: String { message }
}

/// A librdkafka producer that partitions as libbeat does and reports each message's outcome by its token.
///
/// `produce` may be called from any thread. Delivery reports are handed to the closure given to `poll` or `flush`,
/// on the calling thread, after librdkafka has served them; reports served while another call (e.g. `metadata`)
/// held the event queue wait for the next `poll`.
public final class KafkaProducer: @unchecked Sendable {
    // librdkafka's handle is thread-safe. `callbacks` is its opaque and must outlive it: deinit destroys the
    // handle first. The header strings are allocated once and referenced by every produce call.
    private let handle: OpaquePointer
    private let callbacks: ProducerCallbacks
    /// librdkafka's `message.copy.max.bytes`: values up to this size are copied into its requests, so a value
    /// it does not copy at `produce` is read only while its message exists (until the delivery report).
    private let copyMaxBytes: Int
    /// `close` ran: the handle is gone.
    private var closed = false
    private let headers: [(name: UnsafeMutablePointer<CChar>, value: UnsafeMutablePointer<CChar>, size: Int)]
    private let emptyBytes = UnsafeMutableRawPointer.allocate(byteCount: 1, alignment: 1)
    private let bootstrapServers: String
    /// Topic handles by name, made on first use and kept until deinit: naming the topic in each produce call
    /// made librdkafka look it up and take its handle lock for every message. At most `topicHandleLimit`; topics
    /// beyond (a topic format with many values) are named per call.
    private let topicHandles = Mutex(TopicHandles())
    private let topicHandleLimit: Int

    /// The kept topic handles, and the last one used (most outputs have one topic: no hashing per message).
    private struct TopicHandles {
        var byName: [String: OpaquePointer] = [:]
        var last: (name: String, handle: OpaquePointer)?
    }

    /// A producer configured by `settings.properties` (in order); a property librdkafka does not accept fails
    /// with an error naming it. librdkafka's log lines go to a logger labelled `kafka` at `logger`'s level. At most
    /// `topicHandleLimit` topics get a kept handle.
    public init(settings: KafkaProducerSettings, logger: Logger, topicHandleLimit: Int = 1024) throws(KafkaError) {
        self.topicHandleLimit = topicHandleLimit
        var kafkaLogger = logger
        if logger.label != "kafka" {
            kafkaLogger = Logger(label: "kafka")
            kafkaLogger.logLevel = logger.logLevel
        }
        let callbacks = ProducerCallbacks(partitioner: settings.partitioner, logger: kafkaLogger)
        guard let conf = rd_kafka_conf_new() else { throw KafkaError("librdkafka could not allocate a configuration") }
        var reason = [CChar](repeating: 0, count: 512)
        do {
            try RdKafkaConfig.apply(settings.properties, to: conf)
            // With sticky partitioning librdkafka skips the partitioner for keyless messages (libbeat.md §1.4).
            try RdKafkaConfig.apply([("sticky.partitioning.linger.ms", "0")], to: conf)
        } catch {
            rd_kafka_conf_destroy(conf)
            throw error
        }
        let opaque = Unmanaged.passUnretained(callbacks).toOpaque()
        rd_kafka_conf_set_opaque(conf, opaque)
        rd_kafka_conf_set_dr_msg_cb(conf) { _, message, opaque in
            guard let message, let opaque else { return }
            Unmanaged<ProducerCallbacks>.fromOpaque(opaque).takeUnretainedValue().delivered(message)
        }
        rd_kafka_conf_set_error_cb(conf) { _, code, reason, opaque in
            guard let opaque else { return }
            let callbacks = Unmanaged<ProducerCallbacks>.fromOpaque(opaque).takeUnretainedValue()
            callbacks.clientError(rd_kafka_resp_err_t(code), reason: reason.map { String(cString: $0) } ?? "")
        }
        rd_kafka_conf_set_log_cb(conf) { client, level, facility, line in
            guard let client, let opaque = rd_kafka_opaque(client) else { return }
            Unmanaged<ProducerCallbacks>.fromOpaque(opaque).takeUnretainedValue().log(
                level: level, facility: facility.map { String(cString: $0) } ?? "",
                line: line.map { String(cString: $0) } ?? "")
        }
        // Topic-level properties given above already live in the default topic configuration; add to it.
        var topicConf = rd_kafka_conf_get_default_topic_conf(conf)
        if topicConf == nil {
            topicConf = rd_kafka_topic_conf_new()
            rd_kafka_conf_set_default_topic_conf(conf, topicConf)
        }
        rd_kafka_topic_conf_set_opaque(topicConf, opaque)
        rd_kafka_topic_conf_set_partitioner_cb(topicConf) { topic, key, keyLength, count, opaque, messageOpaque in
            guard let opaque else { return 0 }
            let tag = MessageTag(packed: UInt64(UInt(bitPattern: messageOpaque)))
            return Unmanaged<ProducerCallbacks>.fromOpaque(opaque).takeUnretainedValue().partition(
                topic: UInt(bitPattern: topic), key: key.map { UnsafeRawBufferPointer(start: $0, count: keyLength) },
                partitionHash: tag.partitionHash, count: count
            ) { rd_kafka_topic_partition_available(topic, $0) == 1 }
        }
        copyMaxBytes = RdKafkaConfig.integer("message.copy.max.bytes", of: conf) ?? 65535
        guard let handle = rd_kafka_new(RD_KAFKA_PRODUCER, conf, &reason, reason.count) else {
            rd_kafka_conf_destroy(conf)
            throw KafkaError("cannot create the Kafka producer: \(RdKafkaConfig.text(reason))")
        }
        self.handle = handle
        self.callbacks = callbacks
        headers = settings.headers.map { header in
            (copyCString(header.key), copyCString(header.value), header.value.utf8.count)
        }
        bootstrapServers = settings.properties.last { $0.0 == "bootstrap.servers" }?.1 ?? ""
    }

    /// Queues one message. `partitionHash`: nil → the partitioner picks (random / round robin / hash of the
    /// key); non-nil → the precomputed Beats hash (used for `partition.hash.hash` fields). `token` (< 2^31) comes
    /// back in the delivery report.
    ///
    /// librdkafka copies `value` unless `valueOutlivesMessage`: the caller then promises that the bytes stay
    /// valid and unchanged until the message's delivery report has been served, or until `close` returns. That
    /// saves a copy and a larger allocation per message. A value above `message.copy.max.bytes` is copied
    /// anyway: librdkafka would reference it from its requests, which may outlive the message.
    public func produce(
        topic: String, key: [UInt8]?, value: UnsafeRawBufferPointer, timestampMs: Int64, partitionHash: UInt32?,
        token: UInt32, valueOutlivesMessage: Bool = false
    ) -> ProduceOutcome {
        guard !closed else {
            let code = RD_KAFKA_RESP_ERR__STATE.rawValue
            return .rejected(KafkaDeliveryError(code: code, name: "_STATE", message: "the producer is closed"))
        }
        let flags = valueOutlivesMessage && value.count <= copyMaxBytes ? 0 : RD_KAFKA_MSG_F_COPY
        let tag = MessageTag(token: token, partitionHash: partitionHash)
        let topicHandle = self.topicHandle(topic)
        let error = topic.withCString { topicName in
            withOptionalBytes(key) { keyBytes in
                withUnsafeTemporaryAllocation(of: rd_kafka_vu_t.self, capacity: 6 + headers.count) { fields in
                    var used = 0
                    func add(_ type: rd_kafka_vtype_t, _ fill: (inout rd_kafka_vu_t) -> Void) {
                        var field = rd_kafka_vu_t()
                        field.vtype = type
                        fill(&field)
                        fields.initializeElement(at: used, to: field)
                        used += 1
                    }
                    if let topicHandle {
                        add(RD_KAFKA_VTYPE_RKT) { $0.u.rkt = topicHandle }
                    } else {
                        add(RD_KAFKA_VTYPE_TOPIC) { $0.u.cstr = topicName }
                    }
                    add(RD_KAFKA_VTYPE_MSGFLAGS) { $0.u.i = flags }
                    add(RD_KAFKA_VTYPE_VALUE) {
                        $0.u.mem.ptr = UnsafeMutableRawPointer(mutating: value.baseAddress) ?? emptyBytes
                        $0.u.mem.size = value.count
                    }
                    if let keyBytes {
                        add(RD_KAFKA_VTYPE_KEY) {
                            $0.u.mem.ptr = UnsafeMutableRawPointer(mutating: keyBytes.baseAddress) ?? emptyBytes
                            $0.u.mem.size = keyBytes.count
                        }
                    }
                    add(RD_KAFKA_VTYPE_TIMESTAMP) { $0.u.i64 = timestampMs }
                    add(RD_KAFKA_VTYPE_OPAQUE) { $0.u.ptr = UnsafeMutableRawPointer(bitPattern: UInt(tag.packed)) }
                    for header in headers {
                        add(RD_KAFKA_VTYPE_HEADER) {
                            $0.u.header.name = UnsafePointer(header.name)
                            $0.u.header.val = UnsafeRawPointer(header.value)
                            $0.u.header.size = header.size
                        }
                    }
                    return rd_kafka_produceva(handle, fields.baseAddress, used)
                }
            }
        }
        guard let error else { return .queued }
        defer { rd_kafka_error_destroy(error) }
        let code = rd_kafka_error_code(error)
        if code == RD_KAFKA_RESP_ERR__QUEUE_FULL { return .queueFull }
        return .rejected(
            KafkaDeliveryError(
                code: code.rawValue, name: String(cString: rd_kafka_error_name(error)),
                message: String(cString: rd_kafka_error_string(error))))
    }

    /// The kept handle of `topic`, made now if there is room for it; nil when there is not (or librdkafka
    /// refused the name, which the produce call naming it then reports).
    private func topicHandle(_ topic: String) -> OpaquePointer? {
        topicHandles.withLock { handles in
            if let last = handles.last, last.name == topic { return last.handle }
            if let known = handles.byName[topic] {
                handles.last = (topic, known)
                return known
            }
            guard handles.byName.count < topicHandleLimit, let made = rd_kafka_topic_new(handle, topic, nil)
            else { return nil }
            handles.byName[topic] = made
            handles.last = (topic, made)
            return made
        }
    }

    /// Serves delivery reports (and error/log events) for up to `timeoutMs`; calls `onDelivery` on this thread.
    public func poll(timeoutMs: Int32, onDelivery: (DeliveryReport) -> Void) {
        guard !closed else { return }
        callbacks.serve { _ = rd_kafka_poll(handle, timeoutMs) }.forEach(onDelivery)
    }

    /// Messages not yet delivered or failed (rd_kafka_outq_len).
    public var outstanding: Int { closed ? 0 : Int(rd_kafka_outq_len(handle)) }

    /// Waits up to timeoutMs for outstanding messages, serving reports; true when none remain.
    public func flush(timeoutMs: Int32, onDelivery: (DeliveryReport) -> Void) -> Bool {
        guard !closed else { return true }
        let deadline = Deadline(afterMs: timeoutMs)
        while true {
            // Short slices hand reports to the caller while the flush is still going on.
            let slice = min(deadline.remainingMs, 100)
            callbacks.serve { _ = rd_kafka_flush(handle, slice) }.forEach(onDelivery)
            if rd_kafka_outq_len(handle) == 0 { return true }
            if deadline.remainingMs == 0 { return false }
        }
    }

    /// Cluster metadata (brokers; for `topics`, each topic's partitions with leader or its error), used by
    /// `wirebeat test output`. Errors (timeout, auth, TLS) come back as KafkaError with librdkafka's reason,
    /// including the last error the error callback saw.
    public func metadata(topics: [String], timeoutMs: Int32) throws(KafkaError) -> KafkaClusterMetadata {
        guard !closed else { throw KafkaError("the Kafka producer is closed") }
        let deadline = Deadline(afterMs: timeoutMs)
        var brokers: [BrokerMetadata] = []
        var topicMetadata: [TopicMetadata] = []
        if topics.isEmpty {
            brokers = try RdKafkaMetadata.fetch(handle, topic: nil, timeoutMs: timeoutMs, failure: metadataFailure).0
        }
        for name in topics {
            guard let topic = rd_kafka_topic_new(handle, name, nil) else {
                throw KafkaError("librdkafka cannot use topic '\(name)': \(RdKafkaConfig.lastErrorText())")
            }
            defer { rd_kafka_topic_destroy(topic) }
            let (found, described) = try RdKafkaMetadata.fetch(
                handle, topic: topic, timeoutMs: deadline.remainingMs, failure: metadataFailure)
            brokers = found
            topicMetadata.append(
                described.first { $0.name == name }
                    ?? TopicMetadata(name: name, error: "not in the broker's answer", partitions: []))
        }
        return KafkaClusterMetadata(brokers: brokers, topics: topicMetadata)
    }

    private func metadataFailure(_ code: rd_kafka_resp_err_t) -> KafkaError {
        // The error callback only runs while the event queue is served; its reports are usually the real cause.
        _ = callbacks.serve(keepingReports: true) { _ = rd_kafka_poll(handle, 0) }
        var text = "cannot read Kafka metadata from \(bootstrapServers): \(String(cString: rd_kafka_err2str(code)))"
        if let last = callbacks.lastClientError { text += " (last error: \(last))" }
        return KafkaError(text)
    }

    /// The most recent client-level error (error_cb), for logs and `test output`.
    public var lastClientError: String? { callbacks.lastClientError }

    /// The fatal error that stopped this producer (the idempotent producer raises one when it cannot guarantee
    /// ordering any more); nil while it works. A producer with a fatal error fails every message: make a new one.
    public var fatalClientError: String? {
        guard !closed else { return nil }
        var reason = [CChar](repeating: 0, count: 512)
        let code = rd_kafka_fatal_error(handle, &reason, reason.count)
        return code == RD_KAFKA_RESP_ERR_NO_ERROR ? nil : RdKafkaConfig.text(reason)
    }

    /// Stops librdkafka: undelivered messages are purged without reports (they stay in the caller's spool;
    /// waiting for them would only delay shutdown) and its threads are joined, so it references no value any
    /// more. Later calls produce nothing. Not to be called while another call runs.
    public func close() {
        guard !closed else { return }
        closed = true
        _ = rd_kafka_purge(handle, RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT)
        topicHandles.withLock { handles in
            for topic in handles.byName.values { rd_kafka_topic_destroy(topic) }
        }
        rd_kafka_destroy(handle)
    }

    deinit {
        close()
        for header in headers {
            header.name.deallocate()
            header.value.deallocate()
        }
        emptyBytes.deallocate()
    }
}

/// The state librdkafka's callbacks reach through their opaque pointer.
private final class ProducerCallbacks: @unchecked Sendable {
    // `pending` and `topicNames` are touched only by the delivery callback, which librdkafka runs inside
    // rd_kafka_poll/flush, and those run only inside `serve`, under `serving`.
    private let serving = Mutex<Void>(())
    private var pending: [DeliveryReport] = []
    private var topicNames: [UInt: String] = [:]
    /// The topic of the last report (most outputs have one topic: no hashing per report).
    private var lastTopic: (key: UInt, name: String)?
    private let choosers = Mutex(Choosers())
    private let errors = Mutex<(last: String?, lastSpecific: String?)>((nil, nil))
    private let partitioner: KafkaPartitioner
    private let logger: Logger

    init(partitioner: KafkaPartitioner, logger: Logger) {
        self.partitioner = partitioner
        self.logger = logger
    }

    /// Runs `body` (which serves librdkafka's event queue) and returns the reports served so far; with
    /// `keepingReports` they stay for the next call instead.
    func serve(keepingReports: Bool = false, _ body: () -> Void) -> [DeliveryReport] {
        serving.withLock { _ in
            body()
            if keepingReports { return [] }
            defer { pending = [] }
            return pending
        }
    }

    func delivered(_ message: UnsafePointer<rd_kafka_message_t>) {
        let tag = MessageTag(packed: UInt64(UInt(bitPattern: message.pointee._private)))
        let topicKey = UInt(bitPattern: message.pointee.rkt)
        let topic: String
        if let last = lastTopic, last.key == topicKey {
            topic = last.name
        } else if let known = topicNames[topicKey] {
            topic = known
        } else {
            topic = String(cString: rd_kafka_topic_name(message.pointee.rkt))
            topicNames[topicKey] = topic
        }
        lastTopic = (topicKey, topic)
        var error: KafkaDeliveryError?
        if message.pointee.err != RD_KAFKA_RESP_ERR_NO_ERROR {
            error = KafkaDeliveryError(
                code: message.pointee.err.rawValue, name: String(cString: rd_kafka_err2name(message.pointee.err)),
                message: String(cString: rd_kafka_message_errstr(message)))
        }
        pending.append(
            DeliveryReport(
                token: tag.token, topic: topic, partition: message.pointee.partition, offset: message.pointee.offset,
                error: error))
    }

    func clientError(_ code: rd_kafka_resp_err_t, reason: String) {
        // "N/N brokers are down" follows the specific failure (refused, TLS, SASL); keep both.
        let text: String = errors.withLock { errors in
            if code == RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN {
                errors.last = errors.lastSpecific.map { "\(reason); \($0)" } ?? reason
            } else {
                errors.last = reason
                errors.lastSpecific = reason
            }
            return errors.last ?? reason
        }
        // librdkafka logs the individual failures itself; only what its log lines lack is worth a line of its own.
        let level: Logger.Level =
            switch code {
            case RD_KAFKA_RESP_ERR__FATAL: .critical
            case RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN: .error
            default: .debug
            }
        logger.log(level: level, "Kafka client error: \(text) (\(String(cString: rd_kafka_err2name(code))))")
    }

    var lastClientError: String? { errors.withLock { $0.last } }

    func log(level: Int32, facility: String, line: String) {
        // syslog levels, as librdkafka uses them.
        let mapped: Logger.Level =
            switch level {
            case ...2: .critical
            case 3: .error
            case 4: .warning
            case 5: .notice
            case 6: .info
            default: .debug
            }
        logger.log(level: mapped, "\(line)", metadata: ["kafka.facility": "\(facility)"])
    }

    func partition(
        topic: UInt, key: UnsafeRawBufferPointer?, partitionHash: UInt32?, count: Int32,
        isAvailable: (Int32) -> Bool
    ) -> Int32 {
        choosers.withLock { choosers in
            let i = choosers.index(of: topic, partitioner: partitioner)
            return choosers.list[i].choose(
                key: key, precomputedHash: partitionHash, partitionCount: count, isAvailable: isAvailable)
        }
    }

    /// Each topic's partition chooser (a random seed each), found without hashing when the topic is the last
    /// one's.
    struct Choosers {
        var list: [PartitionChooser] = []
        var byTopic: [UInt: Int] = [:]
        var last: (topic: UInt, index: Int)?

        mutating func index(of topic: UInt, partitioner: KafkaPartitioner) -> Int {
            if let last, last.topic == topic { return last.index }
            let index: Int
            if let known = byTopic[topic] {
                index = known
            } else {
                index = list.count
                list.append(PartitionChooser(partitioner: partitioner, seed: UInt64.random(in: .min ... .max)))
                byTopic[topic] = index
            }
            last = (topic, index)
            return index
        }
    }
}

/// Reads every message of some topics from the beginning, without a consumer group: for tests, the demo and
/// benchmarks, not for the shipping path.
public final class KafkaConsumer: @unchecked Sendable {
    // One thread reads at a time (readAll is not meant for concurrent use); librdkafka's handles are thread-safe.
    private let handle: OpaquePointer
    private let queue: OpaquePointer
    private var started: [(topic: OpaquePointer, partition: Int32)] = []
    private var topics: [OpaquePointer] = []

    /// A consumer of all partitions of `topics` at `bootstrapServers`, starting at each partition's oldest
    /// message. Waits up to `timeoutMs` for each topic's partitions to be known.
    public init(bootstrapServers: String, topics names: [String], timeoutMs: Int32 = 10_000) throws(KafkaError) {
        guard let conf = rd_kafka_conf_new() else { throw KafkaError("librdkafka could not allocate a configuration") }
        do {
            try RdKafkaConfig.apply(
                [
                    ("bootstrap.servers", bootstrapServers), ("client.id", "wirebeat-consumer"), ("log_level", "3"),
                    ("fetch.wait.max.ms", "50"),
                ],
                to: conf)
        } catch {
            rd_kafka_conf_destroy(conf)
            throw error
        }
        var reason = [CChar](repeating: 0, count: 512)
        guard let handle = rd_kafka_new(RD_KAFKA_CONSUMER, conf, &reason, reason.count) else {
            rd_kafka_conf_destroy(conf)
            throw KafkaError("cannot create a Kafka consumer: \(RdKafkaConfig.text(reason))")
        }
        self.handle = handle
        queue = rd_kafka_queue_new(handle)
        let deadline = Deadline(afterMs: timeoutMs)
        for name in names {
            guard let topic = rd_kafka_topic_new(handle, name, nil) else {
                throw KafkaError("librdkafka cannot use topic '\(name)': \(RdKafkaConfig.lastErrorText())")
            }
            topics.append(topic)
            let partitions = try partitionCount(of: topic, named: name, deadline: deadline)
            for partition in 0..<partitions {
                guard rd_kafka_consume_start_queue(topic, partition, Int64(RD_KAFKA_OFFSET_BEGINNING), queue) == 0
                else {
                    throw KafkaError("cannot consume \(name) [\(partition)]: \(RdKafkaConfig.lastErrorText())")
                }
                started.append((topic, partition))
            }
        }
    }

    private func partitionCount(of topic: OpaquePointer, named name: String, deadline: Deadline) throws(KafkaError)
        -> Int32
    {
        // A topic created a moment ago may still be reported without partitions or as unknown.
        var lastProblem = "no answer"
        repeat {
            do {
                let (_, found) = try RdKafkaMetadata.fetch(handle, topic: topic, timeoutMs: deadline.remainingMs) {
                    KafkaError(String(cString: rd_kafka_err2str($0)))
                }
                if let described = found.first(where: { $0.name == name }) {
                    if described.error == nil && !described.partitions.isEmpty {
                        return Int32(described.partitions.count)
                    }
                    lastProblem = described.error ?? "no partitions"
                }
            } catch {
                lastProblem = error.message
            }
            _ = rd_kafka_poll(handle, min(deadline.remainingMs, 50))
        } while deadline.remainingMs > 0
        throw KafkaError("cannot read the partitions of topic '\(name)': \(lastProblem)")
    }

    /// Reads messages until `count` have arrived (when given) or none arrived for `idleTimeoutMs`. Fails when
    /// the read ended short of `count`, or idle, with a consumer error since the last message.
    public func readAll(expecting count: Int?, idleTimeoutMs: Int32) throws(KafkaError) -> [ConsumedMessage] {
        var messages: [ConsumedMessage] = []
        var lastError: String?
        var idle = Deadline(afterMs: idleTimeoutMs)
        while count.map({ messages.count < $0 }) ?? true, idle.remainingMs > 0 {
            guard let message = rd_kafka_consume_queue(queue, idle.remainingMs) else { break }
            defer { rd_kafka_message_destroy(message) }
            let record = message.pointee
            if record.err != RD_KAFKA_RESP_ERR_NO_ERROR {
                if record.err != RD_KAFKA_RESP_ERR__PARTITION_EOF {
                    lastError = String(cString: rd_kafka_message_errstr(message))
                }
                continue
            }
            messages.append(Self.consumed(message))
            lastError = nil
            idle = Deadline(afterMs: idleTimeoutMs)
        }
        if let lastError, count.map({ messages.count < $0 }) ?? true {
            throw KafkaError("reading from Kafka stopped after \(messages.count) messages: \(lastError)")
        }
        return messages
    }

    private static func consumed(_ message: UnsafeMutablePointer<rd_kafka_message_t>) -> ConsumedMessage {
        let record = message.pointee
        var headers: [ConsumedMessage.Header] = []
        var list: OpaquePointer?
        if rd_kafka_message_headers(message, &list) == RD_KAFKA_RESP_ERR_NO_ERROR, let list {
            var index = 0
            var name: UnsafePointer<CChar>?
            var value: UnsafeRawPointer?
            var size = 0
            while rd_kafka_header_get_all(list, index, &name, &value, &size) == RD_KAFKA_RESP_ERR_NO_ERROR {
                let bytes = value.map { Array(UnsafeRawBufferPointer(start: $0, count: size)) } ?? []
                headers.append(ConsumedMessage.Header(key: name.map { String(cString: $0) } ?? "", value: bytes))
                index += 1
            }
        }
        var timestampType = RD_KAFKA_TIMESTAMP_NOT_AVAILABLE
        return ConsumedMessage(
            topic: String(cString: rd_kafka_topic_name(record.rkt)), partition: record.partition,
            offset: record.offset,
            key: record.key.map { Array(UnsafeRawBufferPointer(start: $0, count: record.key_len)) },
            value: record.payload.map { Array(UnsafeRawBufferPointer(start: $0, count: record.len)) } ?? [],
            timestampMs: rd_kafka_message_timestamp(message, &timestampType), headers: headers)
    }

    deinit {
        for (topic, partition) in started { _ = rd_kafka_consume_stop(topic, partition) }
        rd_kafka_queue_destroy(queue)
        for topic in topics { rd_kafka_topic_destroy(topic) }
        rd_kafka_destroy(handle)
    }
}

/// librdkafka's mock cluster: N Kafka-protocol brokers on loopback inside this process, for development and
/// tests only (it keeps everything in memory and implements the protocol, not Kafka's durability).
public final class MockKafkaCluster: @unchecked Sendable {
    // librdkafka's handles are thread-safe; the cluster lives as long as this object.
    private let client: OpaquePointer
    private let cluster: OpaquePointer
    /// `host:port,host:port,...` of the brokers, for `output.kafka.hosts`.
    public let bootstrapServers: String
    /// The number of brokers (their ids are 1...brokers).
    public let brokers: Int

    /// Starts `brokers` brokers (1 to 64).
    public init(brokers: Int) throws(KafkaError) {
        guard (1...64).contains(brokers) else { throw KafkaError("a mock cluster has 1 to 64 brokers, not \(brokers)") }
        var reason = [CChar](repeating: 0, count: 512)
        guard let conf = rd_kafka_conf_new() else { throw KafkaError("librdkafka could not allocate a configuration") }
        // The hosting client never connects anywhere; it only owns the cluster's threads.
        _ = rd_kafka_conf_set(conf, "client.id", "wirebeat-devbroker", &reason, reason.count)
        _ = rd_kafka_conf_set(conf, "log_level", "4", &reason, reason.count)  // not the "no bootstrap.servers" notice
        guard let client = rd_kafka_new(RD_KAFKA_PRODUCER, conf, &reason, reason.count) else {
            rd_kafka_conf_destroy(conf)
            throw KafkaError("librdkafka could not start: \(RdKafkaConfig.text(reason))")
        }
        guard let cluster = rd_kafka_mock_cluster_new(client, Int32(brokers)) else {
            rd_kafka_destroy(client)
            throw KafkaError("librdkafka could not start a mock cluster of \(brokers) brokers")
        }
        self.client = client
        self.cluster = cluster
        self.brokers = brokers
        bootstrapServers = String(cString: rd_kafka_mock_cluster_bootstraps(cluster))
    }

    /// Takes broker `id` down (its connections are closed and new ones refused) or brings it back up.
    public func setBroker(_ id: Int, up: Bool) throws(KafkaError) {
        let result =
            up
            ? rd_kafka_mock_broker_set_up(cluster, Int32(id)) : rd_kafka_mock_broker_set_down(cluster, Int32(id))
        guard result == RD_KAFKA_RESP_ERR_NO_ERROR else {
            throw KafkaError(
                "cannot set broker \(id) \(up ? "up" : "down"): \(String(cString: rd_kafka_err2str(result)))")
        }
    }

    /// Delays every response of every broker by `milliseconds` (0 removes the delay): a slow network, for tests
    /// that need shipping to take a while whatever the machine's speed.
    public func setRoundTripTime(milliseconds: Int) throws(KafkaError) {
        for id in 1...brokers {
            let result = rd_kafka_mock_broker_set_rtt(cluster, Int32(id), Int32(clamping: milliseconds))
            guard result == RD_KAFKA_RESP_ERR_NO_ERROR else {
                throw KafkaError(
                    "cannot set the round-trip time of broker \(id): \(String(cString: rd_kafka_err2str(result)))")
            }
        }
    }

    /// Creates `name` with `partitions` partitions, each on `replicationFactor` brokers (default: up to 3).
    /// Topics the cluster has not seen are otherwise created on first use with 4 partitions.
    public func createTopic(name: String, partitions: Int, replicationFactor: Int? = nil) throws(KafkaError) {
        let replicas = replicationFactor ?? min(3, brokers)
        let result = rd_kafka_mock_topic_create(cluster, name, Int32(partitions), Int32(replicas))
        guard result == RD_KAFKA_RESP_ERR_NO_ERROR else {
            throw KafkaError("cannot create topic \(name): \(String(cString: rd_kafka_err2str(result)))")
        }
    }

    /// Makes `broker` the leader of `topic`'s `partition`, or leaves the partition without a leader when nil.
    public func setPartitionLeader(topic: String, partition: Int32, broker: Int?) throws(KafkaError) {
        let result = rd_kafka_mock_partition_set_leader(cluster, topic, partition, Int32(broker ?? -1))
        guard result == RD_KAFKA_RESP_ERR_NO_ERROR else {
            throw KafkaError(
                "cannot set the leader of \(topic) [\(partition)]: \(String(cString: rd_kafka_err2str(result)))")
        }
    }

    /// Takes every broker down or brings them all up.
    public func setAllBrokers(up: Bool) throws(KafkaError) {
        for id in 1...brokers { try setBroker(id, up: up) }
    }

    deinit {
        rd_kafka_mock_cluster_destroy(cluster)
        rd_kafka_destroy(client)
    }
}

/// Reads cluster metadata into the public value types.
private enum RdKafkaMetadata {
    static func fetch(
        _ handle: OpaquePointer, topic: OpaquePointer?, timeoutMs: Int32,
        failure: (rd_kafka_resp_err_t) -> KafkaError
    ) throws(KafkaError) -> ([BrokerMetadata], [TopicMetadata]) {
        var result: UnsafePointer<rd_kafka_metadata>?
        let code = rd_kafka_metadata(handle, 0, topic, &result, timeoutMs)
        guard code == RD_KAFKA_RESP_ERR_NO_ERROR, let metadata = result?.pointee else { throw failure(code) }
        defer { rd_kafka_metadata_destroy(result) }
        let brokers = UnsafeBufferPointer(start: metadata.brokers, count: Int(metadata.broker_cnt)).map {
            BrokerMetadata(id: $0.id, host: String(cString: $0.host), port: $0.port)
        }
        let topics = UnsafeBufferPointer(start: metadata.topics, count: Int(metadata.topic_cnt)).map { topic in
            TopicMetadata(
                name: String(cString: topic.topic), error: errorText(topic.err),
                partitions: UnsafeBufferPointer(start: topic.partitions, count: Int(topic.partition_cnt)).map {
                    PartitionMetadata(id: $0.id, leader: $0.leader, error: errorText($0.err))
                }.sorted { $0.id < $1.id })
        }
        return (brokers, topics)
    }

    static func errorText(_ code: rd_kafka_resp_err_t) -> String? {
        code == RD_KAFKA_RESP_ERR_NO_ERROR ? nil : String(cString: rd_kafka_err2str(code))
    }
}

/// Applies properties to a configuration, naming the one librdkafka refuses.
enum RdKafkaConfig {
    static func apply(_ properties: [(String, String)], to conf: OpaquePointer) throws(KafkaError) {
        var reason = [CChar](repeating: 0, count: 512)
        for (name, value) in properties
        where rd_kafka_conf_set(conf, name, value, &reason, reason.count)
            != RD_KAFKA_CONF_OK
        {
            // The value is left out: it may be a password.
            throw KafkaError("librdkafka property '\(name)' is not accepted: \(text(reason))")
        }
    }

    /// The integer value `conf` holds for `name` (set, or librdkafka's default); nil if it has none.
    static func integer(_ name: String, of conf: OpaquePointer) -> Int? {
        var buffer = [CChar](repeating: 0, count: 64)
        var size = buffer.count
        guard rd_kafka_conf_get(conf, name, &buffer, &size) == RD_KAFKA_CONF_OK else { return nil }
        return Int(text(buffer))
    }

    static func text(_ buffer: [CChar]) -> String {
        String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    static func lastErrorText() -> String { String(cString: rd_kafka_err2str(rd_kafka_last_error())) }
}

/// A point in time `timeoutMs` from now, for calls that split one timeout over several librdkafka waits.
struct Deadline {
    private let end: ContinuousClock.Instant

    init(afterMs timeoutMs: Int32) { end = .now + .milliseconds(max(0, timeoutMs)) }

    /// Milliseconds left, never negative.
    var remainingMs: Int32 {
        let left = ContinuousClock.now.duration(to: end).components
        guard left.seconds >= 0 else { return 0 }
        return Int32(clamping: left.seconds * 1000 + left.attoseconds / 1_000_000_000_000_000)
    }
}

private func copyCString(_ text: String) -> UnsafeMutablePointer<CChar> {
    let characters = text.utf8CString
    let copy = UnsafeMutablePointer<CChar>.allocate(capacity: characters.count)
    characters.withUnsafeBufferPointer { copy.initialize(from: $0.baseAddress!, count: $0.count) }
    return copy
}

private func withOptionalBytes<Result>(_ bytes: [UInt8]?, _ body: (UnsafeRawBufferPointer?) -> Result) -> Result {
    guard let bytes else { return body(nil) }
    return bytes.withUnsafeBytes { body($0) }
}
