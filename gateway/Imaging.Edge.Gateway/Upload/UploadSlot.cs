namespace Imaging.Edge.Gateway.Upload;

/// <summary>One of the <c>Upload:Concurrency</c> upload loops: its number, and the lease owner it writes into the queue.</summary>
internal sealed record UploadSlot(int Index, string GatewayId)
{
    /// <summary>Unique per process and slot, so that a lease left by an earlier run is never mistaken for ours.</summary>
    public string Owner { get; } = $"{GatewayId}/{Environment.ProcessId}/{Index}";
}
