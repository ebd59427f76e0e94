namespace Imaging.Edge.Gateway.Retention;

/// <summary>The local copy of an instance whose cloud copy is verified: what retention may delete.</summary>
internal sealed record LocalCopy(long Id, string LocalPath, long Size, DateTimeOffset UploadedAt);

/// <summary>Why retention evicted local copies; the value is the <c>reason</c> of the <c>retention.evicted</c> event.</summary>
internal static class EvictionReasons
{
    public const string Age = "age";
    public const string HighWater = "high-water";
}
