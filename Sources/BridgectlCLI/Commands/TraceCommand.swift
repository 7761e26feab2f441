import ArgumentParser
import Glibc
import BridgeModel
import Engine
import Planning
import HostSystem

struct TraceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trace",
        abstract: "Send one packet and show its path through the host's firewall: each rule it matched, in words, and the verdict.",
        discussion: """
            SRC and DST: a container (name or ID), gateway:NETWORK (the network's gateway, on the \
            host), host, or an IPv4 address (as SRC: an address a container, the host or a named \
            namespace holds). DST takes :PORT and /tcp, /udp or /icmp (default: tcp with a port, \
            icmp echo without). The kernel traces the packet (a temporary nftables table sets \
            nftrace on it; xtables-monitor --trace reports the rules it matched); the table is \
            removed when trace ends, also on Ctrl-C. --watch sends nothing and reports the next \
            packet from SRC to DST instead.
            """)

    @OptionGroup var global: GlobalOptions
    @Flag(help: "Send nothing: wait for the next matching packet and trace it.")
    var watch = false
    @Option(help: ArgumentHelp("How long to wait, in seconds (default: 3, with --watch 30).", valueName: "seconds"))
    var timeout: Double?
    @Argument(help: "Where the packet comes from: CONTAINER, gateway:NETWORK, host or an IPv4 address.")
    var source: String
    @Argument(help: ArgumentHelp("Where it goes: CONTAINER|gateway:NETWORK|host|IPV4[:PORT][/tcp|udp|icmp].", valueName: "destination"))
    var destination: String

    func run() throws {
        let seconds = timeout ?? (watch ? 30 : 3)
        guard seconds > 0, seconds <= 3600 else {
            throw CommandFailure("invalid --timeout '\(timeout.map { "\($0)" } ?? "")': expected seconds, more than 0 and at most 3600")
        }
        let request = try TraceRequest.parse(source: source, destination: destination)
        let session = try global.session(mutating: false)
        let result: TraceResult
        do {
            result = try session.trace(request, watch: watch, timeout: seconds)
        } catch let interrupted as TraceInterrupted {
            writeStandardError("\(interrupted)\n")
            throw ExitCode(128 + interrupted.signal)
        }
        print("\(result.watched ? "watched" : "probe"): \(result.probe)")
        if result.watched, result.report.outcome == .notSeen {
            print("no matching packet within \(Self.seconds(seconds)) s")
            return
        }
        printLines(result.report.lines)
        if let answer = result.answer {
            // Once the trace shows the drop, trace stops waiting for an answer that cannot come.
            if case .dropped = result.report.outcome, answer == .silence {
                print("answer: none (the packet was dropped on the way)")
            } else {
                print("answer: \(Self.words(answer, transport: request.transport, seconds: seconds))")
            }
        }
    }

    static func words(_ answer: ProbeSocket.Answer, transport: TraceRequest.Transport, seconds limit: Double) -> String {
        switch answer {
        case .connected: return "connected"
        case .replied: return "a reply came back"
        case .refused: return transport == .udp ? "port unreachable" : "connection refused"
        case .echoReply: return "echo reply"
        case .failed(let text): return text
        case .silence: return "none within \(seconds(limit)) s"
        }
    }

    static func seconds(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(value)
    }
}
