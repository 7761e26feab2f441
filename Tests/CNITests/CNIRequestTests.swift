import BridgeModel
import CNI
import Testing

private let attachment = ["CNI_CONTAINERID": "c1", "CNI_NETNS": "/run/netns/blue", "CNI_IFNAME": "eth0", "CNI_PATH": "/opt/cni/bin"]

private func request(_ command: String?, _ variables: [String: String] = attachment) throws(CNIError) -> CNIRequest {
    var environment = variables
    environment["CNI_COMMAND"] = command
    return try CNIRequest(environment: environment)
}

private func failure(_ body: () throws -> Void) -> CNIError? {
    do { try body() } catch let error as CNIError { return error } catch { return nil }
    return nil
}

@Suite struct CNIRequestTests {
    @Test func addReadsEveryVariable() throws {
        let parsed = try request("ADD", attachment.merging(["CNI_ARGS": "IgnoreUnknown=1;K8S_POD_NAME=web"]) { $1 })
        #expect(parsed.command == .add)
        #expect(parsed.containerID == "c1" && parsed.netns == "/run/netns/blue" && parsed.ifName == "eth0")
        #expect(parsed.args.podName == "web")
        #expect(parsed.path == ["/opt/cni/bin"])
    }

    @Test func versionNeedsNothingButTheCommand() throws {
        #expect(try request("VERSION", [:]).command == .version)
        // podman's probe sets dummies; they are not read.
        #expect(try request("VERSION", ["CNI_NETNS": "dummy", "CNI_IFNAME": "dummy", "CNI_ARGS": "BAD"]).command == .version)
    }

    @Test func delMayHaveNoNamespace() throws {
        let parsed = try request("DEL", ["CNI_CONTAINERID": "default-c1", "CNI_IFNAME": "eth0"])
        #expect(parsed.netns == "")
    }

    @Test func gcAndStatusNeedNoAttachmentVariables() throws {
        #expect(try request("GC", [:]).command == .gc)
        #expect(try request("STATUS", [:]).command == .status)
    }

    @Test(arguments: [
        ("ADD", [String: String](), "required env variables [CNI_CONTAINERID,CNI_NETNS,CNI_IFNAME] missing"),
        ("CHECK", ["CNI_CONTAINERID": "c1", "CNI_IFNAME": "eth0"], "required env variables [CNI_NETNS] missing"),
        ("DEL", ["CNI_NETNS": "/run/netns/x"], "required env variables [CNI_CONTAINERID,CNI_IFNAME] missing"),
        ("ADD", ["CNI_CONTAINERID": "", "CNI_NETNS": "/x", "CNI_IFNAME": "eth0"], "required env variables [CNI_CONTAINERID] missing"),
    ])
    func missingVariablesAreNamedWithCode4(command: String, variables: [String: String], message: String) {
        let error = failure { _ = try request(command, variables) }
        #expect(error?.code == .invalidEnvironment)
        #expect(error?.msg == message)
    }

    @Test func aMissingOrUnknownCommandIsCode4() {
        #expect(failure { _ = try request(nil) }?.msg == "required env variables [CNI_COMMAND] missing")
        let unknown = failure { _ = try request("ATTACH") }
        #expect(unknown?.code == .invalidEnvironment)
        #expect(unknown?.msg == "unknown CNI_COMMAND: ATTACH")
    }

    @Test(arguments: [
        ("CNI_CONTAINERID", "-leading-dash", "invalid CNI_CONTAINERID '-leading-dash'"),
        ("CNI_CONTAINERID", "a/b", "invalid CNI_CONTAINERID 'a/b'"),
        ("CNI_IFNAME", "eth0:1", "invalid CNI_IFNAME 'eth0:1'"),
        ("CNI_IFNAME", "a-very-long-ifname", "invalid CNI_IFNAME 'a-very-long-ifname'"),
        ("CNI_IFNAME", "..", "invalid CNI_IFNAME '..'"),
        ("CNI_NETNS", "netns-1", "invalid CNI_NETNS 'netns-1'"),
    ])
    func invalidValuesAreNamedWithCode4(variable: String, value: String, message: String) {
        var variables = attachment
        variables[variable] = value
        let error = failure { _ = try request("ADD", variables) }
        #expect(error?.code == .invalidEnvironment)
        #expect(error?.msg == message)
    }
}

@Suite struct CNIArgsTests {
    @Test func podmanArgs() throws {
        let args = try CNIArgs(parsing: "IgnoreUnknown=1;K8S_POD_NAME=web;IP=10.88.0.9;MAC=02:00:0a:58:00:09")
        #expect(args.ignoreUnknown)
        #expect(args.podName == "web")
        #expect(args.ip == IPv4Address("10.88.0.9"))
        #expect(args.mac?.description == "02:00:0a:58:00:09")
    }

    @Test func kubernetesArgsAreKnown() throws {
        let args = try CNIArgs(parsing: "K8S_POD_NAMESPACE=default;K8S_POD_NAME=web-0;K8S_POD_INFRA_CONTAINER_ID=abc;K8S_POD_UID=u1")
        #expect(args.podNamespace == "default" && args.podName == "web-0")
    }

    @Test func unknownKeysNeedIgnoreUnknown() throws {
        let error = failure { _ = try CNIArgs(parsing: "FOO=1;BAR=2") }
        #expect(error?.code == .invalidEnvironment)
        #expect(error?.message == "invalid CNI_ARGS 'FOO=1;BAR=2': unknown keys 'FOO', 'BAR' (IgnoreUnknown=1 allows them)")
        #expect(try CNIArgs(parsing: "FOO=1;IgnoreUnknown=true").pairs.map(\.key) == ["FOO", "IgnoreUnknown"])
        #expect(failure { _ = try CNIArgs(parsing: "IgnoreUnknown=0;FOO=1") } != nil)
    }

    @Test(arguments: [
        ("IP", "'IP' is not KEY=VALUE"),
        ("=1", "'=1' is not KEY=VALUE"),
        ("A=1=2", "'A=1=2' is not KEY=VALUE"),
        ("IP=10.88.0.300", "IP='10.88.0.300' is not one IPv4 address"),
        ("IP=10.88.0.2,10.88.0.3", "IP='10.88.0.2,10.88.0.3' is not one IPv4 address"),
        ("MAC=01:00:5e:00:00:01", "MAC='01:00:5e:00:00:01' is not a unicast MAC address"),
        ("MAC=02:00:00:00:00", "MAC='02:00:00:00:00' is not a unicast MAC address"),
        ("IgnoreUnknown=yes", "IgnoreUnknown must be 1, 0, true or false, not 'yes'"),
    ])
    func malformedArgsAreCode4(text: String, details: String) {
        let error = failure { _ = try CNIArgs(parsing: text) }
        #expect(error?.code == .invalidEnvironment)
        #expect(error?.details == details)
    }
}
