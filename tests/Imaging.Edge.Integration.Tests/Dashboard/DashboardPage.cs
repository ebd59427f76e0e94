using System.Text.Json;
using Imaging.Edge.Integration.Tests.Infrastructure;

namespace Imaging.Edge.Integration.Tests.Dashboard;

/// <summary>
/// The ops view (packaging/dashboard/index.html) opened from disk in headless Chromium, as an operator opens it:
/// a file:// URL whose query names the broker's WebSocket listener. Reads rows as text, the way they are shown.
/// </summary>
internal sealed class DashboardPage : IAsyncDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private readonly HeadlessChromium _chromium;

    private DashboardPage(HeadlessChromium chromium) => _chromium = chromium;

    /// <param name="pageFile">Another copy of index.html (an older version to compare with); the repository's by default.</param>
    public static async Task<DashboardPage> OpenAsync(int webSocketPort, string profileFolder, string? username = null, string extraQuery = "", string? pageFile = null)
    {
        var query = $"?broker=ws://127.0.0.1:{webSocketPort}&root={FakeFleet.Root}" + (username is null ? "" : $"&username={Uri.EscapeDataString(username)}") + extraQuery;
        var url = new Uri(pageFile ?? Repository.File("packaging", "dashboard", "index.html")).AbsoluteUri + query;
        var page = new DashboardPage(await HeadlessChromium.StartAsync(url, profileFolder, Patience));
        try
        {
            // null-safe: the first evaluations may run before the page's document has loaded
            await page.WaitForAsync("document.querySelector('#connection')?.dataset.state === 'subscribed'", "subscribed to the broker");
            return page;
        }
        catch
        {
            await page.DisposeAsync(); // the caller never gets the page, so it cannot stop Chromium
            throw;
        }
    }

    public Task<JsonElement> EvaluateAsync(string expression) => _chromium.Page.EvaluateAsync(expression);

    public Task ClickAsync(string selector) => _chromium.Page.ClickAsync(selector);

    public Task<JsonElement> CallAsync(string method, System.Text.Json.Nodes.JsonObject? parameters = null) => _chromium.Page.CallAsync(method, parameters);

    /// <summary>The page as it is shown now into a PNG file (test output, README images).</summary>
    public async Task ScreenshotAsync(string path)
    {
        var shot = await CallAsync("Page.captureScreenshot", new() { ["format"] = "png" });
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        await File.WriteAllBytesAsync(path, Convert.FromBase64String(shot.GetProperty("data").GetString()!));
    }

    /// <summary>Polls until the expression is truthy and returns its value; fails with what the page shows and logged.</summary>
    public async Task<JsonElement> WaitForAsync(string expression, string what)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (DateTime.UtcNow < deadline)
        {
            var value = await EvaluateAsync(expression);
            if (value.ValueKind is not (JsonValueKind.Undefined or JsonValueKind.Null or JsonValueKind.False)) return value;
            await Task.Delay(200);
        }
        Assert.Fail($"the page never showed {what} within {Patience}:\n{await DescribeAsync()}");
        return default;
    }

    /// <summary>Waits until the gateway's row satisfies <paramref name="match"/>; cells by class name, lines joined by '\n'.</summary>
    public async Task<IReadOnlyDictionary<string, string>> WaitForRowAsync(string gateway, Func<IReadOnlyDictionary<string, string>, bool> match, string what)
    {
        var deadline = DateTime.UtcNow + Patience;
        IReadOnlyDictionary<string, string>? row = null;
        while (DateTime.UtcNow < deadline)
        {
            row = await RowAsync(gateway);
            if (row is not null && match(row)) return row;
            await Task.Delay(200);
        }
        var last = row is null ? "no row" : string.Join("\n", row.Select(c => $"  {c.Key}: {c.Value}"));
        Assert.Fail($"the row of {gateway} never showed {what} within {Patience}; last seen:\n{last}\n{await DescribeAsync()}");
        return null!;
    }

    public async Task<IReadOnlyDictionary<string, string>?> RowAsync(string gateway)
    {
        var row = await EvaluateAsync($$"""
            (() => {
              const row = document.querySelector(`tr[data-gateway="${CSS.escape({{JsonSerializer.Serialize(gateway)}})}"]`);
              if (!row) return null;
              row.scrollIntoView({ block: 'nearest' }); // the page paints only rows on screen
              const cells = { rowState: row.dataset.state, answer: row.querySelector('.answer')?.textContent ?? '' };
              for (const cell of row.cells)
                cells[cell.className] = cell.children.length && cell.className !== 'commands'
                  ? [...cell.children].map((line) => line.textContent).join('\n') : cell.textContent;
              return cells;
            })()
            """);
        return row.ValueKind == JsonValueKind.Object ? row.Deserialize<Dictionary<string, string>>() : null;
    }

    private async Task<string> DescribeAsync()
    {
        string text;
        try
        {
            text = (await EvaluateAsync("document.body.innerText")).GetString() ?? "";
        }
        catch (Exception e) when (e is InvalidOperationException or IOException or TimeoutException)
        {
            text = "(page not readable: " + e.Message + ")";
        }
        return $"page text:\n{text}\npage console:\n{string.Join("\n", _chromium.Page.Console)}";
    }

    public ValueTask DisposeAsync() => _chromium.DisposeAsync();
}
