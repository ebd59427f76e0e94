using Microsoft.Extensions.Logging;

namespace Imaging.Edge.Gateway.Upload;

/// <summary>Log messages of the removal of damaged objects. Objects by row id and endpoint, never by key (a custom template may name UIDs).</summary>
internal static partial class DamagedObjectLog
{
    [LoggerMessage(5050, LogLevel.Warning, "Damaged object {Row} recorded on {Endpoint}: written by this gateway, failed verification; it is deleted unless replaced by other bytes")]
    public static partial void Recorded(ILogger logger, long row, string endpoint);

    [LoggerMessage(5051, LogLevel.Information, "Damaged object {Row} deleted from {Endpoint}")]
    public static partial void Deleted(ILogger logger, long row, string endpoint);

    [LoggerMessage(5052, LogLevel.Information, "Damaged object {Row} on {Endpoint} is {Outcome}: left as it is, row forgotten")]
    public static partial void Forgotten(ILogger logger, long row, string endpoint, string outcome);

    [LoggerMessage(5053, LogLevel.Warning, "Damaged object {Row} on {Endpoint} not removed yet ({Error}, attempt {Attempt}); tried again at {RetryAt:O}")]
    public static partial void NotRemovedYet(ILogger logger, long row, string endpoint, string error, int attempt, DateTimeOffset retryAt);

    [LoggerMessage(5054, LogLevel.Error, "Removal of damaged objects: unexpected {ErrorType}; going on after a pause")]
    public static partial void Fault(ILogger logger, Exception exception, string errorType);

    [LoggerMessage(5055, LogLevel.Warning, "Damaged object {Row} is on endpoint {Endpoint}, which is not configured any more: kept, tried again later")]
    public static partial void EndpointGone(ILogger logger, long row, string endpoint);
}
