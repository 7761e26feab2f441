import Glibc
import CLinux

/// Small file operations with errno-carrying errors. Writes are atomic: a temporary file in the
/// same directory, fsync, then rename, so a reader or a crash never sees half a file.
public enum Files {
    public static func read(_ path: String) throws -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            if errno == ENOENT { return nil }
            throw SystemError("open \(path)")
        }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 16384)
        while true {
            let count = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw SystemError("read \(path)")
            }
            if count == 0 { break }
            bytes += buffer[0..<count]
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Where an atomic write of `path` stages its bytes: `<path>.tmp.<pid>`. Only a writer
    /// killed between create and rename leaves one behind (see `temporaryFileBase`).
    public static func temporaryPath(for path: String) -> String { "\(path).tmp.\(getpid())" }

    /// The name a temporary file was staged for (`hosts` for `hosts.tmp.123`), or nil when
    /// `name` does not follow the `<name>.tmp.<digits>` pattern of `temporaryPath(for:)`.
    public static func temporaryFileBase(_ name: String) -> String? {
        let parts = name.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count >= 3, parts[parts.count - 2] == "tmp", let digits = parts.last, !digits.isEmpty,
              digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        let base = parts.dropLast(2).joined(separator: ".")
        return base.isEmpty ? nil : base
    }

    /// Removes the regular files in `directory` left by interrupted atomic writes. Returns the
    /// names removed. The caller must hold the lock every writer of that directory holds, or it
    /// could take a live writer's file.
    @discardableResult
    public static func removeTemporaryFiles(in directory: String) throws -> [String] {
        var removed: [String] = []
        for name in try list(directory) {
            guard temporaryFileBase(name) != nil, isRegularFile("\(directory)/\(name)") else { continue }
            try remove("\(directory)/\(name)")
            removed.append(name)
        }
        return removed
    }

    public static func writeAtomically(_ path: String, contents: some Collection<UInt8>, mode: mode_t = 0o644) throws {
        let temporary = temporaryPath(for: path)
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)
        guard fd >= 0 else { throw SystemError("create \(temporary)") }
        var ok = false
        defer {
            if !ok { unlink(temporary) }
        }
        let bytes = Array(contents)
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + offset, bytes.count - offset) }
            if written < 0 {
                if errno == EINTR { continue }
                let error = SystemError("write \(temporary)")
                close(fd)
                throw error
            }
            offset += written
        }
        if fsync(fd) != 0 {
            let error = SystemError("fsync \(temporary)")
            close(fd)
            throw error
        }
        close(fd)
        CrashInjection.atomicWriteStaged()
        guard rename(temporary, path) == 0 else { throw SystemError("rename \(temporary) to \(path)") }
        ok = true
    }

    public static func writeAtomically(_ path: String, text: String, mode: mode_t = 0o644) throws {
        try writeAtomically(path, contents: Array(text.utf8), mode: mode)
    }

    /// Writes into an existing file (sysfs and procfs attributes cannot be replaced by rename).
    public static func writeAtomicallyInPlace(_ path: String, text: String) throws {
        let fd = open(path, O_WRONLY | O_CLOEXEC)
        guard fd >= 0 else { throw SystemError("open \(path)") }
        defer { close(fd) }
        let bytes = Array(text.utf8)
        guard bytes.withUnsafeBytes({ write(fd, $0.baseAddress, $0.count) }) == bytes.count else {
            throw SystemError("write \(path)")
        }
    }

    /// Removes a file; a missing file is not an error (removal is idempotent).
    public static func remove(_ path: String) throws {
        if unlink(path) != 0 && errno != ENOENT { throw SystemError("remove \(path)") }
    }

    /// Removes an empty directory; a missing one is not an error.
    public static func removeDirectory(_ path: String) throws {
        if rmdir(path) != 0 && errno != ENOENT { throw SystemError("remove directory \(path)") }
    }

    /// mkdir -p; `mode` is for `path` itself, missing parents get the usual 0755.
    public static func createDirectory(_ path: String, mode: mode_t = 0o755) throws {
        if mkdir(path, mode) == 0 || errno == EEXIST { return }
        if errno == ENOENT, let slash = path.lastIndex(of: "/"), slash != path.startIndex {
            try createDirectory(String(path[..<slash]))
            if mkdir(path, mode) == 0 || errno == EEXIST { return }
        }
        throw SystemError("create directory \(path)")
    }

    /// Names in a directory (no "." or ".."); empty when the directory does not exist.
    public static func list(_ path: String) throws -> [String] {
        guard let directory = opendir(path) else {
            if errno == ENOENT { return [] }
            throw SystemError("list \(path)")
        }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    /// Calls `body` with each entry's name as raw bytes, without making Strings: for directories
    /// with one entry per container, read on a hot path.
    public static func forEachEntry(_ path: String, _ body: (UnsafeBufferPointer<UInt8>) -> Void) throws {
        guard let directory = opendir(path) else {
            if errno == ENOENT { return }
            throw SystemError("list \(path)")
        }
        defer { closedir(directory) }
        while let entry = readdir(directory) {
            withUnsafeBytes(of: entry.pointee.d_name) { raw in
                let bytes = raw.bindMemory(to: UInt8.self)
                let length = strnlen(raw.baseAddress!.assumingMemoryBound(to: CChar.self), bytes.count)
                body(UnsafeBufferPointer(rebasing: bytes[0..<length]))
            }
        }
    }

    public static func exists(_ path: String) -> Bool { access(path, F_OK) == 0 }

    /// Without following a symbolic link: a link named like a temporary file is never ours.
    public static func isRegularFile(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG
    }

    public static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }

    /// The permission bits (as `chmod` takes them), nil when `path` does not exist.
    public static func permissions(_ path: String) -> mode_t? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return info.st_mode & 0o7777
    }

    public static func setPermissions(_ path: String, _ mode: mode_t) throws {
        guard chmod(path, mode) == 0 else { throw SystemError("chmod \(path)") }
    }

    /// The inode number, used to tell namespaces apart.
    public static func inode(_ path: String) -> UInt64? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return UInt64(info.st_ino)
    }
}
