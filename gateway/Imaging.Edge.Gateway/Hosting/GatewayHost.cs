using System.Net;
using Imaging.Edge.Dicom.Network;
using Imaging.Edge.Gateway.Configuration;
using Imaging.Edge.Gateway.Intake;
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

        var layout = DataLayout.From(configuration.Gateway);
        var reserveBytes = configuration.Retention.ReserveMegabytes * 1024 * 1024;
        builder.Services.AddSingleton(configuration);
        builder.Services.AddSingleton(layout);
        builder.Services.AddSingleton(new DiskSpaceGuard(layout.Root, reserveBytes));
        builder.Services.AddSingleton(sp => new SpoolIntake(layout, sp.GetRequiredService<DiskSpaceGuard>(), reserveBytes, sp.GetRequiredService<ILogger<SpoolIntake>>()));
        builder.Services.AddSingleton(ServerOptions(configuration.Dicom));
        builder.Services.AddSingleton(sp => new DicomServer(
            sp.GetRequiredService<DicomServerOptions>(),
            sp.GetRequiredService<SpoolIntake>(),
            sp.GetRequiredService<ILogger<DicomServer>>()));
        builder.Services.AddHostedService<DicomReceiverService>();
        return builder.Build();
    }

    public static DicomServerOptions ServerOptions(DicomOptions dicom) => new()
    {
        AeTitle = dicom.AeTitle,
        BindAddress = IPAddress.Parse(dicom.BindAddress),
        Port = dicom.Port,
        MaxAssociations = dicom.MaxAssociations,
        MaxPduLength = (uint)dicom.MaxPduLength,
        AllowUnknownCallers = dicom.AllowUnknownCallers,
        KnownCallers = dicom.Devices.Select(d => new KnownCaller(d.AeTitle, d.Host is null ? null : IPAddress.Parse(d.Host))).ToList(),
        ExtraSopClasses = dicom.PrivateSopClasses.ToHashSet(StringComparer.Ordinal),
        ArtimTimeout = TimeSpan.FromSeconds(dicom.ArtimTimeoutSeconds),
        DimseTimeout = TimeSpan.FromSeconds(dicom.DimseTimeoutSeconds),
    };
}
