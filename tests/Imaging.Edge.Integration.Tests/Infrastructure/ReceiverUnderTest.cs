using System.Net;
using Imaging.Edge.Dicom.Files;
using Imaging.Edge.Dicom.Network;
using Imaging.Edge.Gateway.Intake;
using Imaging.Edge.Gateway.Privacy;
using Imaging.Edge.Gateway.Queue;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Imaging.Edge.Gateway.Recovery;

namespace Imaging.Edge.Integration.Tests.Infrastructure;

/// <summary>
/// The gateway's receiver (DICOM server + spool intake) in this process, on 127.0.0.1 and a free port, over a
/// fresh data folder. Real peers talk to it over loopback.
/// </summary>
internal sealed class ReceiverUnderTest : IAsyncDisposable
{
    public const string AeTitle = "IMAGING_EDGE";

    private readonly TemporaryDirectory _directory = new();
    private readonly DicomServer _server;

    public ReceiverUnderTest(Func<DicomServerOptions, DicomServerOptions>? configure = null, long reserveBytes = 0, string? dataDir = null,
        ILoggerFactory? loggerFactory = null, IReadOnlyDictionary<string, int>? devicePriorities = null)
    {
        loggerFactory ??= NullLoggerFactory.Instance;
        Layout = new DataLayout(dataDir ?? _directory.Combine("var"));
        Layout.EnsureCreated();
        Database = new QueueDatabase(Layout.Root);
        Database.Migrate();
        Queue = new QueueStores(Database, TimeProvider.System);
        Pseudonymizer = new Pseudonymizer(SiteSecret.Load(null, Layout.Root));
        new QueueRecovery(Layout, Queue.Leases, Queue.Queries, Queue.Intake, Pseudonymizer, loggerFactory.CreateLogger<QueueRecovery>(), Queue.PendingFiles).Run();
        var options = new DicomServerOptions { AeTitle = AeTitle, BindAddress = IPAddress.Loopback, Port = 0 };
        Options = configure is null ? options : configure(options);
        DiskGuard = new DiskSpaceGuard(Layout.Root, reserveBytes);
        var intake = new SpoolIntake(Layout, DiskGuard, Queue.Intake, Pseudonymizer,
            devicePriorities ?? new Dictionary<string, int>(), loggerFactory.CreateLogger<SpoolIntake>());
        _server = new DicomServer(Options, intake, loggerFactory.CreateLogger<DicomServer>());
        _server.Start();
        Materializer = new FileMaterializer(Layout, Queue.PendingFiles, loggerFactory.CreateLogger<FileMaterializer>());
        Materializer.StartAsync(CancellationToken.None).GetAwaiter().GetResult();
    }

    /// <summary>Writes the files of small instances after their acknowledgement, as the gateway's does.</summary>
    public FileMaterializer Materializer { get; }

    public DicomServerOptions Options { get; }
    public DataLayout Layout { get; }
    public QueueDatabase Database { get; }
    public QueueStores Queue { get; }
    public Pseudonymizer Pseudonymizer { get; }
    public DiskSpaceGuard DiskGuard { get; }
    public int Port => _server.LocalEndPoint.Port;
    public string PortText => Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
    public DicomServer Server => _server;

    /// <summary>Every received instance file (files still waiting in the queue are written first).</summary>
    public IReadOnlyList<string> ReceivedFiles()
    {
        Materializer.MaterializeAll();
        return Directory.EnumerateFiles(Layout.Studies, "*.dcm", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();
    }

    public IReadOnlyList<string> SpoolFiles() => Directory.EnumerateFiles(Layout.Spool).ToList();

    /// <summary>The received file of one SOP instance (first version).</summary>
    public string ReceivedFile(string sopInstanceUid)
    {
        var matches = ReceivedFiles().Where(f => Path.GetFileName(f) == DataLayout.InstanceFileName(sopInstanceUid, 0)).ToList();
        Assert.True(matches.Count == 1, $"expected one received file for the instance, found {matches.Count}");
        return matches[0];
    }

    /// <summary>The data set bytes of a Part 10 file (everything after the meta group).</summary>
    public static byte[] DataSetBytes(string part10Path)
    {
        using var stream = File.OpenRead(part10Path);
        return DataSetBytes(stream);
    }

    /// <summary>The data set bytes of a Part 10 file held in memory (an object read from the bucket).</summary>
    public static byte[] DataSetBytes(byte[] part10) => DataSetBytes(new MemoryStream(part10, writable: false));

    private static byte[] DataSetBytes(Stream stream)
    {
        var header = Part10Reader.ReadHeader(stream);
        stream.Position = header.DataSetOffset;
        var bytes = new byte[stream.Length - header.DataSetOffset];
        stream.ReadExactly(bytes);
        return bytes;
    }

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        await Materializer.StopAsync(CancellationToken.None);
        Materializer.Dispose();
        Queue.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _directory.Dispose();
    }
}
