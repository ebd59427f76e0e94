using System.Net;
using Imaging.Edge.Dicom.Network;
using Imaging.Edge.Gateway.Commands;
using Imaging.Edge.Gateway.Configuration;
using Imaging.Edge.Gateway.Erasure;
using Imaging.Edge.Gateway.Control;
using Imaging.Edge.Dicom.Dimse;
using Imaging.Edge.Gateway.Intake;
using Imaging.Edge.Gateway.Privacy;
using Imaging.Edge.Gateway.Queue;
using Imaging.Edge.Gateway.Retention;
using Imaging.Edge.Gateway.Telemetry;
using Imaging.Edge.Gateway.Upload;
using Imaging.Edge.CloudSync.Keys;
using Imaging.Edge.CloudSync.Throttling;
using Imaging.Edge.CloudSync.Upload;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Imaging.Edge.Gateway.Health;
using Imaging.Edge.Gateway.Recovery;
using Imaging.Edge.Gateway.Serial;
using Imaging.Edge.Dicom.Data.Writing;
using Imaging.Edge.Gateway.Hosting.Journal;
using Imaging.Edge.Gateway.Hosting.Systemd;
using Imaging.Edge.Gateway.Hosting.Watchdog;

namespace Imaging.Edge.Gateway.Hosting;

/// <summary>
/// Builds the host of <c>imaging-edge run</c> from a validated configuration. It reads as the data path: storage,
/// recovery, receivers, queue, uploads, operations, retention. Nothing is touched before the host runs: the data
/// folder, the queue's schema and the site secret are made when first needed, and <see cref="StartupRecovery"/>
/// finishes before any receiver opens (the host runs every StartingAsync before any StartAsync).
/// </summary>
internal static class GatewayHost
{
    public static IHost Build(EdgeConfiguration configuration)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddConfiguration(configuration.Root);
        builder.Logging.AddConfiguration(configuration.Root.GetSection("Logging"));
        var systemd = SystemdEnvironment.Read();
        AddLogging(builder, configuration, systemd);
        builder.Services.AddSingleton(configuration);
        builder.Services.AddSingleton(TimeProvider.System);

        AddServiceManager(builder, configuration, systemd);
        AddStorage(builder, configuration);
        AddRecovery(builder);
        AddReceivers(builder, configuration);
        AddSerialDevices(builder, configuration);
        AddQueue(builder, configuration);
        AddUploads(builder, configuration);
        AddOperations(builder, configuration);
        AddRetention(builder, configuration);
        return builder.Build();
    }

    /// <summary>
    /// Our output goes to the journal (systemd said so in <c>JOURNAL_STREAM</c>): entries straight to journald with
    /// their priority and fields. Anywhere else: one escaped line per entry on the console.
    /// </summary>
    private static void AddLogging(HostApplicationBuilder builder, EdgeConfiguration configuration, SystemdEnvironment systemd)
    {
        if (systemd.JournalSocket is { } journal)
            builder.Logging.AddProvider(new JournalLoggerProvider(journal, configuration.Gateway.SiteId, configuration.Gateway.GatewayId));
        else
            builder.Logging.AddConsole(console => console.FormatterName = PrintableConsoleFormatter.Name)
                .AddConsoleFormatter<PrintableConsoleFormatter, ConsoleFormatterOptions>();
    }

    /// <summary>
    /// systemd's side (docs/service.md): the heartbeats the watchdog reads and, under <c>Type=notify</c>, the notifier
    /// (READY, STATUS, WATCHDOG, STOPPING). Started by a unit, the host does not print "press Ctrl+C".
    /// </summary>
    private static void AddServiceManager(HostApplicationBuilder builder, EdgeConfiguration configuration, SystemdEnvironment systemd)
    {
        builder.Services.AddSingleton(systemd);
        builder.Services.AddSingleton(sp => WatchedComponents.Create(systemd, sp.GetRequiredService<DicomServer>(), sp.GetRequiredService<UploadSlots>(),
            configuration, sp.GetRequiredService<TimeProvider>()));
        if (ServiceManager.StartedUs())
            builder.Services.Configure<ConsoleLifetimeOptions>(options => options.SuppressStatusMessages = true);
        if (systemd.NotifySocket is { } socket)
        {
            builder.Services.AddSingleton(new NotifySocket(socket));
            builder.Services.AddHostedService<ServiceNotifier>();
        }
    }

    /// <summary>The data folder, <c>queue.db</c> (migrated forward) and the site secret that keys the pseudonyms.</summary>
    private static void AddStorage(HostApplicationBuilder builder, EdgeConfiguration configuration)
    {
        builder.Services.AddSingleton(_ =>
        {
            var layout = DataLayout.From(configuration.Gateway);
            layout.EnsureCreated();
            return layout;
        });
        builder.Services.AddSingleton(sp =>
        {
            var database = new QueueDatabase(sp.GetRequiredService<DataLayout>().Root);
            database.Migrate();
            return database;
        });
        builder.Services.AddSingleton(sp =>
        {
            try
            {
                return new Pseudonymizer(SiteSecret.Load(configuration.Gateway.SiteSecretFile, sp.GetRequiredService<DataLayout>().Root));
            }
            catch (InvalidOperationException e)
            {
                throw new ConfigurationException($"Gateway:SiteSecretFile: {e.Message}");
            }
        });
        AddQueueStores(builder);
    }

    /// <summary>The one writer of queue.db and the stores over it (see docs/architecture.md, "Who writes queue.db").</summary>
    private static void AddQueueStores(HostApplicationBuilder builder)
    {
        builder.Services.AddSingleton(sp => new QueueStores(sp.GetRequiredService<QueueDatabase>(), sp.GetRequiredService<TimeProvider>()));
        builder.Services.AddSingleton(sp => sp.GetRequiredService<QueueStores>().Writer);
        builder.Services.AddSingleton(sp => sp.GetRequiredService<QueueStores>().Queries);
        builder.Services.AddSingleton(sp => sp.GetRequiredService<QueueStores>().Received);
        builder.Services.AddSingleton(sp => sp.GetRequiredService<QueueStores>().Intake);
        builder.Services.AddSingleton(sp => sp.GetRequiredService<QueueStores>().Leases);
        builder.Services.AddSingleton(sp => sp.GetRequiredService<QueueStores>().PendingFiles);
        builder.Services.AddSingleton(sp => sp.GetRequiredService<QueueStores>().Studies);
        builder.Services.AddSingleton(sp => sp.GetRequiredService<QueueStores>().Outbox);
        builder.Services.AddSingleton(sp => sp.GetRequiredService<QueueStores>().Operator);
    }

    /// <summary>Spool files removed, leases released, the study folders and the queue in agreement: before anything else.</summary>
    private static void AddRecovery(HostApplicationBuilder builder)
    {
        builder.Services.AddSingleton(sp => new QueueRecovery(sp.GetRequiredService<DataLayout>(), sp.GetRequiredService<UploadLeases>(),
            sp.GetRequiredService<QueueQueries>(), sp.GetRequiredService<IntakeStore>(), sp.GetRequiredService<Pseudonymizer>(),
            sp.GetRequiredService<ILogger<QueueRecovery>>(), sp.GetRequiredService<PendingFiles>()));
        builder.Services.AddHostedService<StartupRecovery>();
    }

    /// <summary>DICOM associations into the intake (spool file, fsync, rename, row, acknowledgement), within the disk reserve.</summary>
    private static void AddReceivers(HostApplicationBuilder builder, EdgeConfiguration configuration)
    {
        builder.Services.AddSingleton(sp => new DiskSpaceGuard(sp.GetRequiredService<DataLayout>().Root, configuration.Retention.ReserveMegabytes * 1024 * 1024));
        builder.Services.AddSingleton(sp => new SpoolIntake(sp.GetRequiredService<DataLayout>(), sp.GetRequiredService<DiskSpaceGuard>(),
            sp.GetRequiredService<IntakeStore>(), sp.GetRequiredService<Pseudonymizer>(), DevicePriorities(configuration.Dicom),
            sp.GetRequiredService<ILogger<SpoolIntake>>()));
        // Writes the files of small instances acknowledged with their bytes in the queue (serial devices use the same intake).
        builder.Services.AddHostedService(sp => new FileMaterializer(sp.GetRequiredService<DataLayout>(), sp.GetRequiredService<PendingFiles>(),
            sp.GetRequiredService<ILogger<FileMaterializer>>(), () => sp.GetRequiredService<DicomServer>().ActiveAssociations));
        var handedOver = HandedOverListener();
        // The TLS files are read when the server is first needed (the host starting), so a bad one is reported like the
        // other files only the running host checks: a configuration error, exit 2.
        builder.Services.AddSingleton(sp => ServerOptions(configuration.Dicom) with
        {
            Listener = handedOver,
            ServePlain = configuration.Dicom.Port != 0 || handedOver is not null,
            Tls = DicomTlsCredentials.Load(configuration.Dicom.Tls, sp.GetRequiredService<ILogger<DicomServer>>(), sp.GetRequiredService<TimeProvider>()),
        });
        builder.Services.AddSingleton(sp => new DicomServer(
            sp.GetRequiredService<DicomServerOptions>(),
            sp.GetRequiredService<SpoolIntake>(),
            sp.GetRequiredService<ILogger<DicomServer>>()));
        builder.Services.AddHostedService<DicomReceiverService>();
    }

    /// <summary>
    /// Serial devices into the same intake (docs/devices.md): a listener per configured port, each message stored as DICOM
    /// objects before the link acknowledges it. Registered without devices too: <c>reload-profiles</c> can add them.
    /// </summary>
    private static void AddSerialDevices(HostApplicationBuilder builder, EdgeConfiguration configuration)
    {
        builder.Services.AddSingleton<DeviceBoard>();
        builder.Services.AddSingleton<DeviceEvents>();
        builder.Services.AddSingleton(sp => new DeviceMessageStore(sp.GetRequiredService<SpoolIntake>(), new UidGenerator(configuration.Serial.UidRoot),
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<DeviceMessageStore>>()));
        builder.Services.AddSingleton<SerialDevices>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<SerialDevices>());
    }

    /// <summary>Studies quiet for <c>Queue:StableStudySeconds</c> become stable (a new manifest version is due).</summary>
    private static void AddQueue(HostApplicationBuilder builder, EdgeConfiguration configuration) =>
        builder.Services.AddHostedService(sp => new StudyTracker(sp.GetRequiredService<StudyStore>(),
            TimeSpan.FromSeconds(configuration.Queue.StableStudySeconds), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<StudyTracker>>()));

    /// <summary>The disk monitor and the retention sweeper: verified copies deleted by age or above the high-water mark.</summary>
    private static void AddRetention(HostApplicationBuilder builder, EdgeConfiguration configuration)
    {
        builder.Services.AddSingleton(sp => new RetentionStore(sp.GetRequiredService<QueueWriter>()));
        builder.Services.AddSingleton(sp => new DiskMonitor(sp.GetRequiredService<DiskSpaceGuard>(), sp.GetRequiredService<RetentionStore>(), Probe(sp),
            configuration.Retention.HighWaterPercent, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<DiskMonitor>>(),
            heartbeat: sp.GetRequiredService<Heartbeats>().Add(WatchedComponents.DiskMonitor, WatchedComponents.ShortLimit(sp.GetRequiredService<SystemdEnvironment>()))));
        builder.Services.AddHostedService(sp => sp.GetRequiredService<DiskMonitor>());
        builder.Services.AddHostedService(sp => new RetentionSweeper(sp.GetRequiredService<RetentionStore>(), sp.GetRequiredService<DataLayout>(), configuration.Retention, Probe(sp),
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<RetentionSweeper>>(), sp.GetRequiredService<DiskMonitor>(),
            sp.GetRequiredService<Heartbeats>().Add(WatchedComponents.RetentionSweep, WatchedComponents.SweepLimit(sp.GetRequiredService<SystemdEnvironment>()))));
    }

    private static Func<DiskUsage> Probe(IServiceProvider services)
    {
        var root = services.GetRequiredService<DataLayout>().Root;
        return () => DiskUsage.Of(root);
    }

    /// <summary>The patient eraser and its command, over every configured upload store (primary and backup).</summary>
    private static void AddErasure(HostApplicationBuilder builder, EdgeConfiguration configuration)
    {
        builder.Services.AddSingleton(sp =>
        {
            var endpoints = sp.GetRequiredService<UploadEndpoints>();
            IReadOnlyList<CloudSync.Stores.IObjectStore> stores = endpoints.Backup is { } backup ? [endpoints.Primary.Store, backup.Store] : [endpoints.Primary.Store];
            var store = new ErasureStore(sp.GetRequiredService<QueueWriter>(), sp.GetRequiredService<OperatorActions>());
            return new PatientEraser(store, sp.GetRequiredService<DataLayout>(), sp.GetRequiredService<Pseudonymizer>(),
                stores, sp.GetRequiredService<ObjectKeyTemplate>(), configuration.Gateway, sp.GetRequiredService<ILogger<PatientEraser>>());
        });
        builder.Services.AddSingleton<IGatewayCommand, ErasePatientCommand>();
    }

    /// <summary>Status, commands (MQTT and the control socket), telemetry or, without a broker, events to the console.</summary>
    private static void AddOperations(HostApplicationBuilder builder, EdgeConfiguration configuration)
    {
        builder.Services.AddSingleton<TelemetryDrops>();
        builder.Services.AddSingleton<StatusReader>();
        builder.Services.AddSingleton<IGatewayCommand, PingCommand>();
        builder.Services.AddSingleton<IGatewayCommand, StatusQueryCommand>();
        builder.Services.AddSingleton<IGatewayCommand, RetryFailedCommand>();
        builder.Services.AddSingleton<IGatewayCommand, PauseUploadsCommand>();
        builder.Services.AddSingleton<IGatewayCommand, ResumeUploadsCommand>();
        builder.Services.AddSingleton<IGatewayCommand, ResendStudyCommand>();
        builder.Services.AddSingleton<IGatewayCommand, ReloadProfilesCommand>();
        AddErasure(builder, configuration);
        builder.Services.AddSingleton<CommandReplayStore>();
        builder.Services.AddSingleton<CommandAuthorizer>();
        builder.Services.AddSingleton<CommandDispatcher>();
        builder.Services.AddHostedService<ControlSocketServer>();
        if (configuration.Mqtt.Enabled)
        {
            builder.Services.AddSingleton<LogForwarder>();
            builder.Services.AddSingleton<ILoggerProvider>(sp => sp.GetRequiredService<LogForwarder>());
            builder.Services.AddHostedService<TelemetryPublisher>();
        }
        else
        {
            builder.Services.AddHostedService<ConsoleEventDrain>();
        }
    }

    /// <summary>Leases, the stores with their resilience pipelines, verification; manifests; the orphan sweep; bandwidth.</summary>
    private static void AddUploads(HostApplicationBuilder builder, EdgeConfiguration configuration)
    {
        var upload = configuration.Upload;
        builder.Services.AddSingleton(sp =>
        {
            try
            {
                return UploadEndpoints.Create(configuration, sp.GetRequiredService<DataLayout>(), sp.GetRequiredService<BandwidthLimiter>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILoggerFactory>());
            }
            catch (InvalidOperationException e)
            {
                throw new ConfigurationException($"Upload: {e.Message}");
            }
        });
        builder.Services.AddSingleton(ObjectKeyTemplate.Parse(upload.KeyTemplate));
        builder.Services.AddSingleton(sp => new BandwidthLimiter(BandwidthScheduleReader.Read(upload.BandwidthSchedule), sp.GetRequiredService<TimeProvider>()));
        builder.Services.AddSingleton(sp => new DamagedObjectCleaner(new DamagedObjectStore(sp.GetRequiredService<QueueWriter>()),
            sp.GetRequiredService<UploadEndpoints>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<DamagedObjectCleaner>>()));
        builder.Services.AddSingleton(sp => new ObjectUploader(new UploadSettings
        {
            MultipartThreshold = upload.MultipartThresholdMegabytes * 1024L * 1024,
            PartSize = upload.PartSizeMegabytes * 1024L * 1024,
            PartConcurrency = upload.PartConcurrency,
        }, sp.GetRequiredService<ILogger<ObjectUploader>>(), sp.GetRequiredService<DamagedObjectCleaner>()));
        builder.Services.AddSingleton<UploadMetrics>();
        builder.Services.AddSingleton<UploadSlots>();
        builder.Services.AddSingleton<UploadPause>();
        builder.Services.AddSingleton(sp => new UploadBacklog(sp.GetRequiredService<QueueQueries>().Waiting,
            sp.GetRequiredService<DiskSpaceGuard>().Headroom, sp.GetRequiredService<TimeProvider>()));
        builder.Services.AddSingleton(sp => new ReceiverFirst(sp.GetRequiredService<DicomServer>(), sp.GetRequiredService<UploadBacklog>(), sp.GetRequiredService<TimeProvider>()));
        builder.Services.AddHostedService<UploadWorker>();
        builder.Services.AddHostedService<ManifestUploader>();
        builder.Services.AddHostedService<MultipartSweeper>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<DamagedObjectCleaner>());
        builder.Services.AddHostedService<BandwidthScheduleReloader>();
    }

    /// <summary>Upload priority per calling AE title, from <c>Dicom:Devices</c>.</summary>
    public static IReadOnlyDictionary<string, int> DevicePriorities(DicomOptions dicom) =>
        dicom.Devices.GroupBy(d => d.AeTitle, StringComparer.Ordinal).ToDictionary(
            g => g.Key,
            g => g.Max(d => Priorities.From(Enum.Parse<DimsePriority>(d.Priority, ignoreCase: true))),
            StringComparer.Ordinal);

    /// <summary>The DICOM socket systemd bound for us (imaging-edge.socket: port 104 without a capability), if any; it wins over Dicom:Port.</summary>
    private static System.Net.Sockets.Socket? HandedOverListener()
    {
        try
        {
            return Systemd.SocketActivation.TakeListener();
        }
        catch (InvalidOperationException e)
        {
            throw new ConfigurationException($"socket activation: {e.Message}");
        }
    }

    public static DicomServerOptions ServerOptions(DicomOptions dicom) => new()
    {
        AeTitle = dicom.AeTitle,
        BindAddress = IPAddress.Parse(dicom.BindAddress),
        Port = dicom.Port,
        MaxAssociations = dicom.MaxAssociations,
        MaxConnectionsPerAddress = dicom.ConnectionsPerAddress,
        MinimumBytesPerSecond = dicom.MinimumBytesPerSecond,
        MaxInstanceBytes = dicom.MaxInstanceMegabytes * 1024L * 1024,
        MaxPduLength = (uint)dicom.MaxPduLength,
        AllowUnknownCallers = dicom.AllowUnknownCallers,
        KnownCallers = dicom.Devices.Select(d => new KnownCaller(d.AeTitle, d.Host is null ? null : IPAddress.Parse(d.Host))).ToList(),
        ExtraSopClasses = dicom.PrivateSopClasses.ToHashSet(StringComparer.Ordinal),
        ArtimTimeout = TimeSpan.FromSeconds(dicom.ArtimTimeoutSeconds),
        DimseTimeout = TimeSpan.FromSeconds(dicom.DimseTimeoutSeconds),
    };
}
