using System.Globalization;

namespace Imaging.Edge.Gateway.Cli.Doctor;

/// <summary>
/// This box's clock against the S3 server's <c>Date</c> header (any answer has one, even a refusal): SigV4 requests
/// are refused beyond 15 minutes of skew, and anything beyond a minute means the clock is not synchronised.
/// </summary>
internal static class ClockCheck
{
    public static readonly TimeSpan Refused = TimeSpan.FromMinutes(15);
    public static readonly TimeSpan Drifting = TimeSpan.FromMinutes(1);

    public static async Task<CheckResult> RunAsync(string name, string serviceUrl, CancellationToken cancellationToken)
    {
        DateTimeOffset? serverDate;
        DateTimeOffset sent, received;
        try
        {
            using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(15) };
            using var request = new HttpRequestMessage(HttpMethod.Head, serviceUrl);
            sent = DateTimeOffset.UtcNow;
            using var response = await client.SendAsync(request, cancellationToken);
            received = DateTimeOffset.UtcNow;
            serverDate = response.Headers.Date;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or InvalidOperationException)
        {
            return CheckResult.Skip(name, $"not measured: {serviceUrl} did not answer");
        }
        if (serverDate is not { } date)
            return CheckResult.Skip(name, $"not measured: {serviceUrl} sent no Date header");
        // The Date header has whole seconds: compare with the middle of the round trip.
        var skew = date - (sent + (received - sent) / 2);
        var size = skew.Duration();
        var detail = string.Create(CultureInfo.InvariantCulture,
            $"the server's clock is {(int)size.TotalMinutes} min {size.Seconds} s {(skew > TimeSpan.Zero ? "ahead of" : "behind")} this box");
        if (size > Refused)
            return CheckResult.Fail(name, detail, "S3 refuses signed requests beyond 15 minutes: set the clock (timedatectl set-ntp true; check NTP can be reached)");
        if (size > Drifting)
            return CheckResult.Warn(name, detail, "the clock drifts: enable time synchronisation (timedatectl set-ntp true)");
        return CheckResult.Ok(name, string.Create(CultureInfo.InvariantCulture, $"within {Math.Max(1, (int)Math.Ceiling(size.TotalSeconds))} s of the server's clock"));
    }
}
