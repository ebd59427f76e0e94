using System.Globalization;
using System.Text.Json;
using Imaging.Edge.Integration.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Imaging.Edge.Integration.Tests.Dashboard;

/// <summary>
/// The ops view against 500 fake gateways publishing every 2 s through a real Mosquitto: it paints, sums up, sorts,
/// filters, groups, draws trends from the retained history and stays light on the main thread (figures in the output;
/// only generous bounds asserted: the CI machine has 2 loaded cores).
/// </summary>
public sealed class DashboardFleetTests(ITestOutputHelper output)
{
    private const int Fleet = 500;

    [Fact]
    public async Task A_fleet_of_500_is_summed_up_sorted_filtered_grouped_and_drawn_with_its_history()
    {
        using var folder = new TemporaryDirectory();
        await using var broker = await DashboardBroker.StartAsync(folder);
        var (mqttPort, webSocketPort) = (broker.MqttPort, broker.WebSocketPort);
        await using var fleet = await FakeFleet.ConnectAsync(mqttPort);
        await using var simulator = new FleetSimulator(fleet, Fleet);
        await simulator.StartAsync();
        await using var page = await DashboardPage.OpenAsync(webSocketPort, folder.Combine("chromium"));

        // first paint: the whole table, measured in the page from its connect to the flush that drew the last row
        await page.WaitForAsync($"document.querySelectorAll('#gateways tbody tr[data-gateway]').length === {Fleet}", "500 rows");
        var firstPaint = (await page.EvaluateAsync("imagingEdgeDashboard.stats.rowsPaintedMs")).GetDouble();
        output.WriteLine($"first paint of all {Fleet} rows: {firstPaint:F0} ms after connect");
        Assert.True(firstPaint < 10_000, $"first paint of the table took {firstPaint} ms");

        // the summary against the known states; silent needs two heartbeats (the interval) and then three missed ones
        await page.WaitForAsync("[...document.querySelectorAll('svg.spark.backlog')].filter((s) => s.dataset.values?.startsWith('10,20,30,40,50,60,70,80,90,100')).length >= 8", "history drawn in the sparklines of the rows on screen");
        var opened = simulator.Rounds;
        while (simulator.Rounds < opened + 3) await Task.Delay(200); // two heartbeats seen: the page knows the interval
        simulator.Silence();
        var counts = await page.WaitForAsync("(() => { const c = (n) => document.querySelector(`#summary [data-count=\"${n}\"]`).textContent; return c('silent') === '3' ? { online: c('online'), degraded: c('degraded'), offline: c('offline'), silent: c('silent'), backlog: c('backlog') } : null; })()", "3 silent gateways");
        Assert.Equal("482", counts.GetProperty("online").GetString());
        Assert.Equal("10", counts.GetProperty("degraded").GetString());
        Assert.Equal("5", counts.GetProperty("offline").GetString());
        Assert.Equal(Enumerable.Range(0, Fleet).Where(i => FleetSimulator.StateOf(i) != "offline").Sum().ToString(CultureInfo.InvariantCulture), counts.GetProperty("backlog").GetString());
        foreach (var i in FleetSimulator.Silent)
            Assert.Equal("silent", (await page.RowAsync(FleetSimulator.Key(i)))!["rowState"]);

        // the main thread while 500 gateways publish every 2 s: Performance domain over 10 s, and the page's own flush timing
        await page.CallAsync("Performance.enable");
        await page.EvaluateAsync("(() => { const s = imagingEdgeDashboard.stats; window.__before = { f: s.flushes, t: s.flushMsTotal }; })()");
        var before = Metrics(await page.CallAsync("Performance.getMetrics"));
        var rounds = simulator.Rounds;
        var started = DateTime.UtcNow;
        await Task.Delay(TimeSpan.FromSeconds(10));
        var after = Metrics(await page.CallAsync("Performance.getMetrics"));
        var elapsed = (DateTime.UtcNow - started).TotalSeconds;
        var flushes = await page.EvaluateAsync("(() => { const s = imagingEdgeDashboard.stats; return { n: s.flushes - __before.f, ms: s.flushMsTotal - __before.t, max: s.flushMsMax }; })()");
        var task = (after["TaskDuration"] - before["TaskDuration"]) * 1000;
        var script = (after["ScriptDuration"] - before["ScriptDuration"]) * 1000;
        var published = simulator.Rounds - rounds;
        var n = flushes.GetProperty("n").GetInt32();
        output.WriteLine($"over {elapsed:F1} s ({published} publish rounds of {Fleet} statuses + heartbeats): main thread busy {task:F0} ms (script {script:F0} ms), " +
                         $"{task / Math.Max(1, published):F1} ms per 2-s round; {n} flushes, {flushes.GetProperty("ms").GetDouble() / Math.Max(1, n):F1} ms each on average, max {flushes.GetProperty("max").GetDouble():F1} ms; JS heap {after["JSHeapUsedSize"] / 1048576:F1} MiB; " +
                         $"layout {(after["LayoutDuration"] - before["LayoutDuration"]) * 1000:F0} ms, style {(after["RecalcStyleDuration"] - before["RecalcStyleDuration"]) * 1000:F0} ms, {after["LayoutCount"] - before["LayoutCount"]} layouts");
        Assert.True(task < elapsed * 1000 * 0.9, $"the main thread was busy {task} ms of {elapsed * 1000} ms");

        // sort by pending, biggest first: the last gateway leads
        await page.ClickAsync("th[data-sort='pending'] button");
        var top = await page.WaitForAsync("(() => { const rows = [...document.querySelectorAll('#gateways tbody tr[data-gateway]')].slice(0, 3).map((r) => r.dataset.gateway); return rows[0] === 'site-24/gw-499' ? rows : null; })()", "sorted by pending");
        Assert.Equal([FleetSimulator.Key(499), FleetSimulator.Key(498), FleetSimulator.Key(497)], top.EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("descending", (await page.EvaluateAsync("document.querySelector(\"th[data-sort='pending']\").getAttribute('aria-sort')")).GetString());
        await page.ClickAsync("th[data-sort='pending'] button");
        await page.WaitForAsync("document.querySelector('#gateways tbody tr[data-gateway]').dataset.gateway === 'site-00/gw-002'", "ascending by pending, unknown (offline) first");

        // text filter: one site; then a summary number as a filter
        await page.EvaluateAsync("(() => { const f = document.getElementById('filter'); f.value = 'SITE-07'; f.dispatchEvent(new Event('input')); })()");
        Assert.Equal(20, await VisibleAsync(page));
        Assert.All(await VisibleKeysAsync(page), key => Assert.StartsWith("site-07/", key, StringComparison.Ordinal));
        await page.EvaluateAsync("(() => { const f = document.getElementById('filter'); f.value = 'endpoint primary'; f.dispatchEvent(new Event('input')); })()");
        Assert.Equal(10, await VisibleAsync(page)); // reasons are searched too
        await page.EvaluateAsync("(() => { const f = document.getElementById('filter'); f.value = ''; f.dispatchEvent(new Event('input')); })()");
        await page.ClickAsync("#summary button[data-filter='offline']");
        Assert.Equal(Enumerable.Range(0, Fleet).Where(i => FleetSimulator.StateOf(i) == "offline").Select(FleetSimulator.Key).Order(StringComparer.Ordinal), (await VisibleKeysAsync(page)).Order(StringComparer.Ordinal));
        await page.ClickAsync("#summary button[data-filter='offline']");
        Assert.Equal(Fleet, await VisibleAsync(page));

        // group by site: a header row per site, each followed by its own gateways
        await page.ClickAsync("#group");
        var grouped = await page.WaitForAsync("(() => { const rows = [...document.querySelectorAll('#gateways tbody tr')]; return rows[0]?.classList.contains('group') ? rows.map((r) => r.dataset.site ? '#' + r.dataset.site : r.dataset.gateway.split('/')[0]) : null; })()", "group rows");
        var sequence = grouped.EnumerateArray().Select(e => e.GetString()!).ToList();
        Assert.Equal(25, sequence.Count(s => s.StartsWith('#')));
        string? current = null;
        foreach (var entry in sequence)
        {
            if (entry.StartsWith('#')) current = entry[1..];
            else Assert.Equal(current, entry);
        }

        // a sparkline from known points: history 10..100 then live values of gateway 250 (pending 250), scaled to the largest
        var spark = await page.WaitForAsync("(() => { const row = document.querySelector('tr[data-gateway=\"site-12/gw-250\"]'); row.scrollIntoView({ block: 'center' }); const s = row.querySelector('svg.spark.backlog'); return s.dataset.values?.startsWith('10,') && s.dataset.values.split(',').length > 10 ? { values: s.dataset.values, max: s.dataset.max, points: s.querySelector('polyline').getAttribute('points') } : null; })()", "the sparkline of gw-250 once on screen");
        var values = spark.GetProperty("values").GetString()!.Split(',').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToList();
        Assert.Equal([10, 20, 30, 40, 50, 60, 70, 80, 90, 100], values.Take(10));
        Assert.All(values.Skip(10), v => Assert.Equal(250, v));
        var ys = spark.GetProperty("points").GetString()!.Split(' ').Select(p => double.Parse(p.Split(',')[1], CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(values.Count, ys.Count);
        Assert.Equal(ys.Take(10).OrderDescending(), ys.Take(10)); // higher backlog, higher on the chart (smaller y)
        Assert.Equal(0.5, ys[^1], 1);                               // the largest value touches the top
        Assert.Equal(20 - 0.5 - 10.0 / 250 * 19, ys[0], 1);

        // the fleet as a 1366x768 laptop shows it (README images via packaging/dashboard/screenshots.sh, else the test output)
        var shots = Environment.GetEnvironmentVariable("IMAGING_EDGE_SCREENSHOTS") is { Length: > 0 } dir ? dir : Path.Combine(AppContext.BaseDirectory, "screenshots");
        await page.ClickAsync("#group"); // ungrouped again, worst state first
        await page.ClickAsync("th[data-sort='state'] button");
        Assert.Equal("site-00/gw-002", (await page.EvaluateAsync("document.querySelector('#gateways tbody tr').dataset.gateway")).GetString());
        await ScreenshotAsync(page, Path.Combine(shots, "dashboard-fleet.png"));

        // hostile strings (reasons, a device name) are text: no element made of them
        await page.EvaluateAsync("document.querySelector('tr[data-gateway=\"site-00/gw-003\"] button.open').click()");
        var devices = await page.WaitForAsync("document.querySelector('#detail-devices tbody')?.textContent.includes('onerror') && document.querySelector('#detail-devices tbody').textContent", "the hostile device name");
        Assert.Contains(FleetSimulator.Hostile, devices.GetString(), StringComparison.Ordinal);
        await page.WaitForRowAsync(FleetSimulator.Key(1), r => r["reasons"].Split('\n').Contains(FleetSimulator.Hostile), "the hostile reason as text");
        Assert.Equal(0, (await page.EvaluateAsync("document.querySelectorAll('img').length")).GetInt32());
        Assert.Equal("undefined", (await page.EvaluateAsync("typeof window.__xss")).GetString());
        await page.EvaluateAsync("document.querySelector('tr[data-gateway=\"site-00/gw-003\"] button.open').click()");
        await ScreenshotAsync(page, Path.Combine(shots, "dashboard-detail.png"));
    }

    /// <summary>Resizes to a laptop screen, lets the page repaint the rows now on screen, and writes the PNG.</summary>
    private async Task ScreenshotAsync(DashboardPage page, string path)
    {
        await page.CallAsync("Emulation.setDeviceMetricsOverride", new() { ["width"] = 1366, ["height"] = 768, ["deviceScaleFactor"] = 1, ["mobile"] = false });
        var flushes = (await page.EvaluateAsync("imagingEdgeDashboard.stats.flushes")).GetInt32();
        await page.WaitForAsync($"imagingEdgeDashboard.stats.flushes > {flushes + 2}", "two flushes after the resize");
        await page.ScreenshotAsync(path);
        output.WriteLine($"screenshot: {path} ({new FileInfo(path).Length} bytes)");
    }

    private static Dictionary<string, double> Metrics(JsonElement result) =>
        result.GetProperty("metrics").EnumerateArray().ToDictionary(m => m.GetProperty("name").GetString()!, m => m.GetProperty("value").GetDouble());

    private static async Task<int> VisibleAsync(DashboardPage page) => (await VisibleKeysAsync(page)).Count;

    private static async Task<List<string>> VisibleKeysAsync(DashboardPage page) =>
        (await page.EvaluateAsync("[...document.querySelectorAll('#gateways tbody tr[data-gateway]')].filter((r) => !r.hidden).map((r) => r.dataset.gateway)"))
        .EnumerateArray().Select(e => e.GetString()!).ToList();
}
