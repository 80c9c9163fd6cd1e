import KafkaOutput
import Testing

@Suite struct DeliveryErrorTests {
    // librdkafka's rd_kafka_resp_err_t values (Kafka protocol codes are positive, librdkafka's own negative).
    static let drops: [(Int32, String)] = [
        (10, "MSG_SIZE_TOO_LARGE"), (2, "INVALID_MSG"), (4, "INVALID_MSG_SIZE"), (87, "INVALID_RECORD"),
        (32, "INVALID_TIMESTAMP"), (-199, "_BAD_MSG"),
    ]
    static let retries: [(Int32, String)] = [
        (-195, "_TRANSPORT"), (-187, "_ALL_BROKERS_DOWN"), (-192, "_MSG_TIMED_OUT"), (-185, "_TIMED_OUT"),
        (5, "LEADER_NOT_AVAILABLE"), (6, "NOT_LEADER_FOR_PARTITION"), (7, "REQUEST_TIMED_OUT"),
        (19, "NOT_ENOUGH_REPLICAS"), (3, "UNKNOWN_TOPIC_OR_PART"), (29, "TOPIC_AUTHORIZATION_FAILED"),
    ]

    @Test(arguments: drops)
    func permanentErrorsAreDropped(code: Int32, name: String) {
        let error = KafkaDeliveryError(code: code, name: name, message: "rejected")
        #expect(error.disposition == .drop)
    }

    @Test(arguments: retries)
    func transientErrorsAreRetried(code: Int32, name: String) {
        let error = KafkaDeliveryError(code: code, name: name, message: "failed")
        #expect(error.disposition == .retry)
    }

    @Test func describesItselfWithTheName() {
        let error = KafkaDeliveryError(code: 10, name: "MSG_SIZE_TOO_LARGE", message: "Broker: Message size too large")
        #expect(error.description == "Broker: Message size too large (MSG_SIZE_TOO_LARGE)")
    }
}
