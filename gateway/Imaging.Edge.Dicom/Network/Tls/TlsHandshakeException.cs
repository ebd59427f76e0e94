namespace Imaging.Edge.Dicom.Network.Tls;

/// <summary>The TLS handshake failed (a transport failure, hence an <see cref="IOException"/>); the message says why in words safe to log (no certificate contents, no key material).</summary>
public sealed class TlsHandshakeException(string message, Exception? inner = null) : IOException(message, inner);
