using System.Net;
using Amazon.Runtime;

namespace Imaging.Edge.CloudSync.Throttling;

/// <summary>
/// HTTP clients for the S3 SDK whose request bodies are paced by the shared <see cref="BandwidthLimiter"/> as they
/// go onto the wire. Pacing there, not on the file stream, counts each byte once: the SDK may read a body more than
/// once (to hash it for the signature, to rewind for its own retry).
/// </summary>
public sealed class ThrottlingHttpClientFactory(BandwidthLimiter limiter) : HttpClientFactory
{
    public override HttpClient CreateHttpClient(IClientConfig clientConfig)
    {
        var sockets = new SocketsHttpHandler
        {
            AutomaticDecompression = DecompressionMethods.None,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            MaxConnectionsPerServer = clientConfig.MaxConnectionsPerServer ?? int.MaxValue,
        };
        return new HttpClient(new ThrottlingHandler(sockets, limiter))
        {
            Timeout = clientConfig.Timeout ?? TimeSpan.FromMinutes(2),
        };
    }

    public override bool UseSDKHttpClientCaching(IClientConfig clientConfig) => true;

    public override bool DisposeHttpClientsAfterUse(IClientConfig clientConfig) => false;

    public override string GetConfigUniqueString(IClientConfig clientConfig) => "throttled:" + base.GetConfigUniqueString(clientConfig);

    private sealed class ThrottlingHandler(HttpMessageHandler inner, BandwidthLimiter limiter) : DelegatingHandler(inner)
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.Content is { } content)
                request.Content = new ThrottledContent(content, limiter);
            return base.SendAsync(request, cancellationToken);
        }
    }

    /// <summary>The SDK's body, copied to the connection in slices paced by the limiter; its headers are kept.</summary>
    private sealed class ThrottledContent : HttpContent
    {
        private const int Slice = 64 * 1024;
        private readonly HttpContent _inner;
        private readonly BandwidthLimiter _limiter;

        public ThrottledContent(HttpContent inner, BandwidthLimiter limiter)
        {
            _inner = inner;
            _limiter = limiter;
            foreach (var header in inner.Headers)
                Headers.TryAddWithoutValidation(header.Key, header.Value);
        }

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => SerializeToStreamAsync(stream, context, CancellationToken.None);

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
        {
            // Not disposed here: the stream belongs to the SDK, which rewinds it for a retry.
            var source = await _inner.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            var buffer = new byte[Slice];
            int read;
            while ((read = await source.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
            {
                await _limiter.AcquireAsync(read, cancellationToken).ConfigureAwait(false);
                await stream.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = _inner.Headers.ContentLength ?? -1;
            return length >= 0;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing) _inner.Dispose();
            base.Dispose(disposing);
        }
    }
}
