import Glibc
import CLinux

/// Runs a helper program (iptables-restore, iptables-save) to completion, feeding it `input`
/// and collecting what it prints. Only for tools bridgectl drives itself, never user commands.
public enum Subprocess {
    public struct Result: Sendable {
        public let status: Int32
        public let output: String
        public let errors: String
    }

    public static func run(_ arguments: [String], input: String? = nil) throws -> Result {
        var stdinPipe: [Int32] = [-1, -1], stdoutPipe: [Int32] = [-1, -1], stderrPipe: [Int32] = [-1, -1]
        guard pipe2(&stdinPipe, O_CLOEXEC) == 0, pipe2(&stdoutPipe, O_CLOEXEC) == 0, pipe2(&stderrPipe, O_CLOEXEC) == 0 else {
            throw SystemError("pipe for \(arguments[0])")
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, stdinPipe[0], 0)
        posix_spawn_file_actions_adddup2(&actions, stdoutPipe[1], 1)
        posix_spawn_file_actions_adddup2(&actions, stderrPipe[1], 2)
        let argv = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let environment = ["PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL=C"].map { (text: String) in strdup(text) } + [nil]
        defer { environment.forEach { free($0) } }
        var pid = pid_t()
        let spawned = posix_spawnp(&pid, arguments[0], &actions, nil, argv, environment)
        close(stdinPipe[0]); close(stdoutPipe[1]); close(stderrPipe[1])
        guard spawned == 0 else {
            close(stdinPipe[1]); close(stdoutPipe[0]); close(stderrPipe[0])
            throw SystemError("run \(arguments[0])", code: spawned)
        }
        // Inputs here are small (one command's rules), far below a pipe's 64 KiB buffer, so
        // writing everything before reading cannot deadlock against the child's output.
        if let input {
            let bytes = Array(input.utf8)
            var offset = 0
            while offset < bytes.count {
                let written = bytes.withUnsafeBytes { write(stdinPipe[1], $0.baseAddress! + offset, bytes.count - offset) }
                if written < 0 { if errno == EINTR { continue }; break }
                offset += written
            }
        }
        close(stdinPipe[1])
        let output = readAll(stdoutPipe[0])
        let errors = readAll(stderrPipe[0])
        close(stdoutPipe[0]); close(stderrPipe[0])
        return Result(status: try NamespaceExec.wait(for: pid), output: output, errors: errors)
    }

    private static func readAll(_ fd: Int32) -> String {
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            if count <= 0 { break }
            bytes += buffer[0..<count]
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
