import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A bare HTTP/1.1 connection over a loopback TCP socket, for what a well-behaved client never does: stop sending in
/// the middle of a body, or die with a request half sent.
final class RawHTTPConnection {
    private let fd: Int32

    /// Connects to `127.0.0.1:port`.
    init(port: Int) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw RawHTTPError("socket() failed") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard result == 0 else {
            close(fd)
            throw RawHTTPError("connect to port \(port) failed")
        }
    }

    deinit { close(fd) }

    /// Sends bytes, all of them.
    func send(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { throw RawHTTPError("send failed") }
            offset += n
        }
    }

    func send(_ text: String) throws { try send(Array(text.utf8)) }

    /// Closes the socket abruptly (RST rather than FIN), as a crashed client would.
    func abort() {
        var linger = Glibc.linger(l_onoff: 1, l_linger: 0)
        setsockopt(fd, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<Glibc.linger>.size))
        shutdown(fd, Int32(SHUT_RDWR))
    }

    /// What the server has sent so far, without waiting (empty when nothing arrived).
    func receiveAvailable() -> String {
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
            guard n > 0 else { break }
            out += buffer[..<n]
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Sends one chunk of a `Transfer-Encoding: chunked` body.
    func sendChunk(_ bytes: [UInt8]) throws {
        try send(String(bytes.count, radix: 16) + "\r\n")
        try send(bytes)
        try send("\r\n")
    }

    /// Sends the head of a `PUT` with a `Content-Length` of `length`.
    func startUpload(path: String, length: Int) throws {
        try send(
            "PUT \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/octet-stream\r\n"
                + "Content-Length: \(length)\r\n\r\n"
        )
    }
}

struct RawHTTPError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
