using System.Security.Cryptography;
using Amazon.Runtime;
using Amazon.Runtime.Internal;
using Amazon.Runtime.Internal.Auth;
using Amazon.S3;
using Amazon.S3.Model;

namespace Imaging.Edge.CloudSync.Stores;

/// <summary>
/// An S3 client that puts <c>Content-MD5</c> on Multi-Object Delete requests. S3 requires it for general-purpose
/// buckets and Tencent COS refuses DeleteObjects without it ("Missing required header for this request:
/// Content-MD5"), but AWSSDK 4 sends only a flexible checksum (CRC32) there, and <see cref="DeleteObjectsRequest"/>
/// has no MD5 property to set (aws/aws-sdk-net#3641). The SDK's own extension point fixes it: a handler added to
/// this client's pipeline before the signer hashes the marshalled body (a pooled stream in AWSSDK 4) and adds the header, so that it is signed
/// with the rest. Every other request goes through untouched.
/// </summary>
internal sealed class ContentMd5S3Client(AWSCredentials credentials, AmazonS3Config config) : AmazonS3Client(credentials, config)
{
    public const string HeaderName = "Content-MD5";

    protected override void CustomizeRuntimePipeline(RuntimePipeline pipeline)
    {
        base.CustomizeRuntimePipeline(pipeline);
        pipeline.AddHandlerBefore<Signer>(new ContentMd5Handler());
    }

    private sealed class ContentMd5Handler : PipelineHandler
    {
        public override void InvokeSync(IExecutionContext executionContext)
        {
            AddContentMd5(executionContext);
            base.InvokeSync(executionContext);
        }

        public override Task<T> InvokeAsync<T>(IExecutionContext executionContext)
        {
            AddContentMd5(executionContext);
            return base.InvokeAsync<T>(executionContext);
        }

        private static void AddContentMd5(IExecutionContext executionContext)
        {
            var request = executionContext.RequestContext.Request;
            if (executionContext.RequestContext.OriginalRequest is not DeleteObjectsRequest) return;
            byte[] md5;
            if (request.Content is { } body)
            {
                md5 = MD5.HashData(body);
            }
            else if (request.ContentStream is { CanSeek: true } stream)
            {
                // AWSSDK 4 marshals the XML body into a pooled, seekable stream.
                var position = stream.Position;
                stream.Position = 0;
                md5 = MD5.HashData(stream);
                stream.Position = position;
            }
            else
            {
                return;
            }
            request.Headers[HeaderName] = Convert.ToBase64String(md5);
        }
    }
}
