using Imaging.Edge.Gateway.Configuration;

namespace Imaging.Edge.Gateway.Tests.Configuration;

/// <summary>The configuration the package installs must pass the same validation as any other.</summary>
public sealed class PackagedConfigurationTests
{
    [Fact]
    public void Packaged_edge_json_is_valid_and_refuses_unknown_callers()
    {
        var configuration = EdgeConfiguration.Load(Repository.File("packaging", "edge.json"));

        Assert.Equal("/var/lib/imaging-edge", configuration.Gateway.DataDir);
        Assert.False(configuration.Dicom.AllowUnknownCallers);
    }

    [Fact]
    public void Packaged_edge_json_names_no_destination_so_the_service_waits_for_a_field_engineer_to_set_one()
    {
        var configuration = EdgeConfiguration.Load(Repository.File("packaging", "edge.json"));

        Assert.Equal("/var/lib/imaging-edge/cloud", Imaging.Edge.Gateway.Erasure.OnBoxStore.ConfiguredFolder(configuration.Upload, Imaging.Edge.Gateway.Intake.DataLayout.From(configuration.Gateway)));
    }

    [Fact]
    public void Packaged_journald_drop_in_keeps_logs_as_long_as_the_packaged_log_retention()
    {
        var configuration = EdgeConfiguration.Load(Repository.File("packaging", "edge.json"));
        var lines = File.ReadAllLines(Repository.File("packaging", "journald", "imaging-edge.conf"))
            .Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();

        Assert.Equal("[Journal]", lines[0]);
        Assert.Contains($"MaxRetentionSec={configuration.Retention.LogRetentionDays}day", lines);
        Assert.Equal(180, configuration.Retention.LogRetentionDays);
    }
}
