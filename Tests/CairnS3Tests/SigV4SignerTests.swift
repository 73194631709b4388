import CairnS3
import Foundation
import Testing

/// AWS's published Signature Version 4 vectors: the general test suite (service `service`, 2015-08-30T12:36:00Z) and
/// the worked examples of the S3 API reference (bucket `examplebucket`, 2013-05-24T00:00:00Z).
@Suite("SigV4Signer: AWS's published test vectors")
struct SigV4SignerTests {
    static let suite = SigV4Signer(
        credentials: .init(accessKeyID: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"),
        region: "us-east-1",
        service: "service"
    )
    static let suiteDate = Date(timeIntervalSince1970: 1_440_938_160)  // 2015-08-30T12:36:00Z
    static let s3 = SigV4Signer(
        credentials: .init(
            accessKeyID: "AKIAIOSFODNN7EXAMPLE",
            secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
        ),
        region: "us-east-1"
    )
    static let s3Date = Date(timeIntervalSince1970: 1_369_353_600)  // 2013-05-24T00:00:00Z

    struct Vector: Sendable, CustomTestStringConvertible {
        var name: String
        var method: String
        var path: String
        var query: [(String, String)] = []
        var headers: [(String, String)] = []
        var payloadHash = SigV4Signer.emptyPayloadHash
        var signedHeaders: String
        var signature: String
        var testDescription: String { name }
    }

    /// The vector's request, with `Host` first, signed by `signer` at `date`.
    static func sign(_ vector: Vector, with signer: SigV4Signer, host: String, at date: Date)
        -> [(name: String, value: String)]
    {
        let headers = [("Host", host)] + vector.headers
        return signer.sign(
            SigV4Signer.Request(
                method: vector.method,
                path: vector.path,
                query: vector.query.map { (name: $0.0, value: $0.1) },
                headers: headers.map { (name: $0.0, value: $0.1) },
                payloadHash: vector.payloadHash
            ),
            at: date
        )
    }

    static let suiteVectors: [Vector] = [
        Vector(
            name: "get-vanilla",
            method: "GET",
            path: "/",
            signedHeaders: "host;x-amz-date",
            signature: "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"
        ),
        Vector(
            name: "post-vanilla",
            method: "POST",
            path: "/",
            signedHeaders: "host;x-amz-date",
            signature: "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b"
        ),
        Vector(
            name: "get-vanilla-query-order-key-case",
            method: "GET",
            path: "/",
            query: [("Param2", "value2"), ("Param1", "value1")],
            signedHeaders: "host;x-amz-date",
            signature: "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500"
        ),
        Vector(
            name: "get-unreserved",
            method: "GET",
            path: "/-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
            signedHeaders: "host;x-amz-date",
            signature: "07ef7494c76fa4850883e2b006601f940f8a34d404d0cfa977f52a65bbf5f24f"
        ),
        Vector(
            name: "post-header-value-case",
            method: "POST",
            path: "/",
            headers: [("My-Header1", "VALUE1")],
            signedHeaders: "host;my-header1;x-amz-date",
            signature: "cdbc9802e29d2942e5e10b5bccfdd67c5f22c7c4e8ae67b53629efa58b974b7d"
        ),
        Vector(
            name: "get-header-value-trim",
            method: "GET",
            path: "/",
            headers: [("My-Header1", " value1"), ("My-Header2", "\"a   b   c\"")],
            signedHeaders: "host;my-header1;my-header2;x-amz-date",
            signature: "acc3ed3afb60bb290fc8d2dd0098b9911fcaa05412b367055dee359757a9c736"
        ),
        Vector(
            name: "get-header-key-duplicate",
            method: "GET",
            path: "/",
            headers: [("My-Header1", "value2"), ("My-Header1", "value2"), ("My-Header1", "value1")],
            signedHeaders: "host;my-header1;x-amz-date",
            signature: "c9d5ea9f3f72853aea855b47ea873832890dbdd183b4468f858259531a5138ea"
        ),
    ]

    @Test("the Signature Version 4 test suite", arguments: suiteVectors)
    func testSuite(_ vector: Vector) {
        let signed = Self.sign(vector, with: Self.suite, host: "example.amazonaws.com", at: Self.suiteDate)
        let authorization = signed.first { $0.name == "authorization" }?.value
        #expect(
            authorization
                == "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
                + "SignedHeaders=\(vector.signedHeaders), Signature=\(vector.signature)"
        )
        #expect(signed.first { $0.name == "x-amz-date" }?.value == "20150830T123600Z")
    }

    static let s3Vectors: [Vector] = [
        Vector(
            name: "GET object with a range",
            method: "GET",
            path: "/test.txt",
            headers: [("Range", "bytes=0-9"), ("x-amz-content-sha256", SigV4Signer.emptyPayloadHash)],
            signedHeaders: "host;range;x-amz-content-sha256;x-amz-date",
            signature: "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"
        ),
        Vector(
            name: "PUT object (a key with $, signed once)",
            method: "PUT",
            path: "/test$file.text",
            headers: [
                ("Date", "Fri, 24 May 2013 00:00:00 GMT"), ("x-amz-storage-class", "REDUCED_REDUNDANCY"),
                ("x-amz-content-sha256", "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072"),
            ],
            payloadHash: "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072",
            signedHeaders: "date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class",
            signature: "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd"
        ),
        Vector(
            name: "GET bucket lifecycle (a query name without value)",
            method: "GET",
            path: "/",
            query: [("lifecycle", "")],
            headers: [("x-amz-content-sha256", SigV4Signer.emptyPayloadHash)],
            signedHeaders: "host;x-amz-content-sha256;x-amz-date",
            signature: "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543"
        ),
        Vector(
            name: "list objects",
            method: "GET",
            path: "/",
            query: [("max-keys", "2"), ("prefix", "J")],
            headers: [("x-amz-content-sha256", SigV4Signer.emptyPayloadHash)],
            signedHeaders: "host;x-amz-content-sha256;x-amz-date",
            signature: "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7"
        ),
    ]

    @Test("the worked examples of the S3 API reference", arguments: s3Vectors)
    func s3Examples(_ vector: Vector) {
        let signed = Self.sign(vector, with: Self.s3, host: "examplebucket.s3.amazonaws.com", at: Self.s3Date)
        let authorization = signed.first { $0.name == "authorization" }?.value
        #expect(
            authorization
                == "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
                + "SignedHeaders=\(vector.signedHeaders), Signature=\(vector.signature)"
        )
    }

    @Test("a wrong secret, region or changed header gives another signature; a session token is signed")
    func sensitivity() {
        let request = SigV4Signer.Request(
            method: "GET",
            path: "/",
            headers: [(name: "Host", value: "example.amazonaws.com")],
            payloadHash: SigV4Signer.emptyPayloadHash
        )
        func signature(_ signer: SigV4Signer, _ request: SigV4Signer.Request) -> String? {
            signer.sign(request, at: Self.suiteDate).first { $0.name == "authorization" }?.value
        }
        let good = signature(Self.suite, request)
        var wrongSecret = Self.suite
        wrongSecret.credentials.secretAccessKey += "x"
        var wrongRegion = Self.suite
        wrongRegion.region = "eu-west-1"
        var changed = request
        changed.headers.append((name: "X-Extra", value: "1"))
        #expect(
            Set([
                good, signature(wrongSecret, request), signature(wrongRegion, request), signature(Self.suite, changed),
            ]).count == 4
        )
        var temporary = Self.suite
        temporary.credentials.sessionToken = "token-1"
        let signed = temporary.sign(request, at: Self.suiteDate)
        #expect(signed.contains { $0.name == "x-amz-security-token" && $0.value == "token-1" })
        #expect(signed.first { $0.name == "authorization" }?.value.contains("x-amz-security-token") == true)
    }
}
