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

namespace Imaging.Edge.Gateway.Hosting;

/// <summary>Builds the host of <c>imaging-edge run</c> from a validated configuration.</summary>
internal static class GatewayHost
{
    public static IHost Build(EdgeConfiguration configuration)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddConfiguration(configuration.Root);
        builder.Logging.AddConfiguration(configuration.Root.GetSection("Logging"));
        builder.Logging.AddSimpleConsole(console =>
        {
            console.SingleLine = true;
            console.TimestampFormat = "yyyy-MM-dd HH:mm:ss.fff ";
            console.UseUtcTimestamp = true;
        });
        builder.Services.AddSystemd();

        // The data folder, the queue's schema and the site secret are prepared before anything runs.
        var layout = DataLayout.From(configuration.Gateway);
        layout.EnsureCreated();
        var database = new QueueDatabase(layout.Root);
        database.Migrate();
        Pseudonymizer pseudonymizer;
        try
        {
            pseudonymizer = new Pseudonymizer(SiteSecret.Load(configuration.Gateway.SiteSecretFile, layout.Root));
        }
        catch (InvalidOperationException e)
        {
            throw new ConfigurationException($"Gateway:SiteSecretFile: {e.Message}");
        }
        var reserveBytes = configuration.Retention.ReserveMegabytes * 1024 * 1024;

        builder.Services.AddSingleton(configuration);
        builder.Services.AddSingleton(layout);
        builder.Services.AddSingleton(database);
        builder.Services.AddSingleton(pseudonymizer);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(sp => new InstanceQueue(database, sp.GetRequiredService<TimeProvider>()));
        builder.Services.AddSingleton<QueueRecovery>();
        builder.Services.AddSingleton(new DiskSpaceGuard(layout.Root, reserveBytes));
        builder.Services.AddSingleton(sp => new SpoolIntake(layout, sp.GetRequiredService<DiskSpaceGuard>(), sp.GetRequiredService<InstanceQueue>(),
            pseudonymizer, DevicePriorities(configuration.Dicom), sp.GetRequiredService<ILogger<SpoolIntake>>()));
        builder.Services.AddSingleton(ServerOptions(configuration.Dicom));
        builder.Services.AddSingleton(sp => new DicomServer(
            sp.GetRequiredService<DicomServerOptions>(),
            sp.GetRequiredService<SpoolIntake>(),
            sp.GetRequiredService<ILogger<DicomServer>>()));
        builder.Services.AddHostedService<DicomReceiverService>();
        AddUploads(builder, configuration, layout);
        builder.Services.AddHostedService(sp => new StudyTracker(sp.GetRequiredService<InstanceQueue>(),
            TimeSpan.FromSeconds(configuration.Queue.StableStudySeconds), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<StudyTracker>>()));
        AddRetention(builder, configuration, layout);
        AddOperations(builder, configuration);
        return builder.Build();
    }

    /// <summary>The disk monitor and the retention sweeper; registered after the receiver, whose start-up recovery runs first.</summary>
    private static void AddRetention(HostApplicationBuilder builder, EdgeConfiguration configuration, DataLayout layout)
    {
        Func<DiskUsage> probe = () => DiskUsage.Of(layout.Root);
        builder.Services.AddSingleton(sp => new RetentionStore(sp.GetRequiredService<QueueDatabase>(), sp.GetRequiredService<TimeProvider>()));
        builder.Services.AddSingleton(sp => new DiskMonitor(sp.GetRequiredService<DiskSpaceGuard>(), sp.GetRequiredService<RetentionStore>(), probe,
            configuration.Retention.HighWaterPercent, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<DiskMonitor>>()));
        builder.Services.AddHostedService(sp => sp.GetRequiredService<DiskMonitor>());
        builder.Services.AddHostedService(sp => new RetentionSweeper(sp.GetRequiredService<RetentionStore>(), layout, configuration.Retention, probe,
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<RetentionSweeper>>(), sp.GetRequiredService<DiskMonitor>()));
    }

    /// <summary>The patient eraser and its command, over every configured upload store (primary and backup).</summary>
    private static void AddErasure(HostApplicationBuilder builder, EdgeConfiguration configuration)
    {
        builder.Services.AddSingleton(sp =>
        {
            var endpoints = sp.GetRequiredService<UploadEndpoints>();
            IReadOnlyList<CloudSync.Stores.IObjectStore> stores = endpoints.Backup is { } backup ? [endpoints.Primary.Store, backup.Store] : [endpoints.Primary.Store];
            return new PatientEraser(sp.GetRequiredService<QueueDatabase>(), sp.GetRequiredService<DataLayout>(), sp.GetRequiredService<Pseudonymizer>(),
                stores, sp.GetRequiredService<ObjectKeyTemplate>(), configuration.Gateway, sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<ILogger<PatientEraser>>());
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

    private static void AddUploads(HostApplicationBuilder builder, EdgeConfiguration configuration, DataLayout layout)
    {
        var upload = configuration.Upload;
        builder.Services.AddSingleton(sp =>
        {
            try
            {
                return UploadEndpoints.Create(configuration, layout, sp.GetRequiredService<BandwidthLimiter>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILoggerFactory>());
            }
            catch (InvalidOperationException e)
            {
                throw new ConfigurationException($"Upload: {e.Message}");
            }
        });
        builder.Services.AddSingleton(ObjectKeyTemplate.Parse(upload.KeyTemplate));
        builder.Services.AddSingleton(sp => new BandwidthLimiter(BandwidthScheduleReader.Read(upload.BandwidthSchedule), sp.GetRequiredService<TimeProvider>()));
        builder.Services.AddSingleton(sp => new ObjectUploader(new UploadSettings
        {
            MultipartThreshold = upload.MultipartThresholdMegabytes * 1024L * 1024,
            PartSize = upload.PartSizeMegabytes * 1024L * 1024,
            PartConcurrency = upload.PartConcurrency,
        }, sp.GetRequiredService<ILogger<ObjectUploader>>()));
        builder.Services.AddSingleton<UploadMetrics>();
        builder.Services.AddSingleton<UploadPause>();
        builder.Services.AddHostedService<UploadWorker>();
        builder.Services.AddHostedService<ManifestUploader>();
        builder.Services.AddHostedService<MultipartSweeper>();
        builder.Services.AddHostedService<BandwidthScheduleReloader>();
    }

    /// <summary>Upload priority per calling AE title, from <c>Dicom:Devices</c>.</summary>
    public static IReadOnlyDictionary<string, int> DevicePriorities(DicomOptions dicom) =>
        dicom.Devices.GroupBy(d => d.AeTitle, StringComparer.Ordinal).ToDictionary(
            g => g.Key,
            g => g.Max(d => Enum.Parse<DimsePriority>(d.Priority, ignoreCase: true) switch
            {
                DimsePriority.High => Priorities.High,
                DimsePriority.Low => Priorities.Low,
                _ => Priorities.Medium,
            }),
            StringComparer.Ordinal);

    public static DicomServerOptions ServerOptions(DicomOptions dicom) => new()
    {
        AeTitle = dicom.AeTitle,
        BindAddress = IPAddress.Parse(dicom.BindAddress),
        Port = dicom.Port,
        MaxAssociations = dicom.MaxAssociations,
        MaxConnectionsPerAddress = dicom.MaxConnectionsPerAddress,
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
