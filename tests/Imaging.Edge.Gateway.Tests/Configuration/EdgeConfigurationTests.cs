using Imaging.Edge.Gateway.Configuration;
using Microsoft.Extensions.Configuration;

namespace Imaging.Edge.Gateway.Tests.Configuration;

public sealed class EdgeConfigurationTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("edge-config-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static EdgeConfiguration FromPairs(params (string Key, string Value)[] pairs) =>
        EdgeConfiguration.FromRoot(new ConfigurationBuilder()
            .AddInMemoryCollection(pairs.Select(p => new KeyValuePair<string, string?>(p.Key, p.Value)))
            .Build());

    private string WriteFile(string json)
    {
        var path = Path.Combine(_folder, "edge.json");
        File.WriteAllText(path, json);
        return path;
    }

    [Fact]
    public void No_configuration_gives_the_embedded_defaults()
    {
        var configuration = FromPairs();

        Assert.Equal("IMAGING_EDGE", configuration.Dicom.AeTitle);
        Assert.Equal(11112, configuration.Dicom.Port);
        Assert.Equal("0.0.0.0", configuration.Dicom.BindAddress);
        Assert.Equal(32, configuration.Dicom.MaxAssociations);
        Assert.Equal(8, configuration.Dicom.ConnectionsPerAddress);
        Assert.Equal(1024, configuration.Dicom.MinimumBytesPerSecond);
        Assert.True(configuration.Dicom.AllowUnknownCallers);
        Assert.Equal("./var", configuration.Gateway.DataDir);
    }

    [Theory]
    [InlineData("1", null, 1)]
    [InlineData("2", null, 1)]
    [InlineData("4", null, 2)]
    [InlineData("32", null, 8)]
    [InlineData("200", null, 8)]
    [InlineData("4", "4", 4)]
    public void Connections_per_address_default_to_half_the_association_slots_and_at_most_8(string maxAssociations, string? perAddress, int expected)
    {
        // One host must not hold every association slot unless the operator says so (a single router feeding the gateway).
        var configuration = perAddress is null
            ? FromPairs(("Dicom:MaxAssociations", maxAssociations))
            : FromPairs(("Dicom:MaxAssociations", maxAssociations), ("Dicom:MaxConnectionsPerAddress", perAddress));

        Assert.Equal(expected, configuration.Dicom.ConnectionsPerAddress);
    }

    [Fact]
    public void Retention_defaults_keep_verified_copies_30_days_and_logs_180_days()
    {
        var retention = FromPairs().Retention;

        Assert.Equal((30, 85, 512L, 180, 300), (retention.KeepUploadedDays, retention.HighWaterPercent, retention.ReserveMegabytes, retention.LogRetentionDays, retention.SweepIntervalSeconds));
        Assert.Equal(0, FromPairs(("Retention:KeepUploadedDays", "0")).Retention.KeepUploadedDays);
    }

    [Fact]
    public void Json_file_is_read_with_its_device_list()
    {
        var path = WriteFile("""
            { "Dicom": { "AeTitle": "EDGE_A", "Port": 104, "AllowUnknownCallers": false,
                         "Devices": [ { "AeTitle": "CT1", "Host": "10.0.0.5", "Name": "CT scanner", "Priority": "High" } ] },
              "Gateway": { "DataDir": "/srv/edge" } }
            """);

        var configuration = EdgeConfiguration.Load(path);

        Assert.Equal("EDGE_A", configuration.Dicom.AeTitle);
        Assert.Equal(104, configuration.Dicom.Port);
        Assert.False(configuration.Dicom.AllowUnknownCallers);
        var device = Assert.Single(configuration.Dicom.Devices);
        Assert.Equal(("CT1", "10.0.0.5", "High"), (device.AeTitle, device.Host, device.Priority));
        Assert.Equal("/srv/edge", configuration.Gateway.DataDir);
    }

    [Theory]
    [InlineData("Dicom:Port", "70000", "Dicom:Port: must be between 1 and 65535 (was 70000)")]
    [InlineData("Dicom:AeTitle", "THIS_TITLE_IS_TOO_LONG", "Dicom:AeTitle")]
    [InlineData("Dicom:BindAddress", "localhost", "Dicom:BindAddress: not an IP address")]
    [InlineData("Dicom:MaxPduLength", "100", "Dicom:MaxPduLength")]
    [InlineData("Dicom:MaxConnectionsPerAddress", "0", "Dicom:MaxConnectionsPerAddress: must be between 1 and Dicom:MaxAssociations (32) (was 0)")]
    [InlineData("Dicom:MaxConnectionsPerAddress", "33", "Dicom:MaxConnectionsPerAddress: must be between 1 and Dicom:MaxAssociations (32) (was 33)")]
    [InlineData("Dicom:MinimumBytesPerSecond", "0", "Dicom:MinimumBytesPerSecond: must be between 1 and 104857600 (was 0)")]
    [InlineData("Dicom:MaxInstanceMegabytes", "-1", "Dicom:MaxInstanceMegabytes: must be between 0 (no limit) and 1048576 (was -1)")]
    [InlineData("Dicom:Devices:0:AeTitle", "", "Dicom:Devices:0:AeTitle")]
    [InlineData("Dicom:Devices:0:Priority", "Urgent", "Dicom:Devices:0:Priority: must be Low, Medium or High")]
    [InlineData("Dicom:PrivateSopClasses:0", "1.2.abc", "Dicom:PrivateSopClasses:0: not a UID")]
    [InlineData("Retention:ReserveMegabytes", "-1", "Retention:ReserveMegabytes")]
    [InlineData("Retention:KeepUploadedDays", "-1", "Retention:KeepUploadedDays: must be between 0 (delete once verified) and 36500 (was -1)")]
    [InlineData("Retention:HighWaterPercent", "0", "Retention:HighWaterPercent: must be between 1 and 99 (was 0)")]
    [InlineData("Retention:HighWaterPercent", "100", "Retention:HighWaterPercent: must be between 1 and 99 (was 100)")]
    [InlineData("Retention:LogRetentionDays", "0", "Retention:LogRetentionDays: must be between 1 and 36500 (was 0)")]
    [InlineData("Retention:SweepIntervalSeconds", "0", "Retention:SweepIntervalSeconds: must be between 1 and 86400 (was 0)")]
    [InlineData("Retention:KeepUploadedDays", "thirty", "Retention:KeepUploadedDays")]
    [InlineData("Gateway:SiteId", "site one", "Gateway:SiteId")]
    [InlineData("Serial:Devices:0:Name", "lab analyser", "Serial:Devices:0:Name: must be 1-64 letters, digits, '-' or '_' (was 'lab analyser')")]
    [InlineData("Serial:Devices:0:Port", "ttyUSB0", "Serial:Devices:0:Port: must be the full path of a serial port")]
    [InlineData("Serial:Devices:0:Profile", "", "Serial:Devices:0:Profile: must name a hardware profile")]
    [InlineData("Serial:Devices:0:Priority", "Urgent", "Serial:Devices:0:Priority: must be Low, Medium or High")]
    [InlineData("Serial:Devices:0:BaudRate", "10", "Serial:Devices:0:BaudRate: must be between 50 and 4000000 (was 10)")]
    [InlineData("Serial:Devices:0:Parity", "evn", "Serial:Devices:0:Parity: must be one of none, odd, even, mark, space (was 'evn')")]
    [InlineData("Serial:Devices:0:Handshake", "rts", "Serial:Devices:0:Handshake")]
    [InlineData("Serial:Devices:0:Baud", "9600", "Baud")]
    [InlineData("Serial:UidRoot", "1.2.03", "Serial:UidRoot: must be a UID")]
    public void Bad_value_is_reported_with_its_key(string key, string value, string expected)
    {
        var error = Assert.Throws<ConfigurationException>(() => FromPairs((key, value)));

        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void Two_serial_devices_on_one_port_or_with_one_name_are_refused()
    {
        var error = Assert.Throws<ConfigurationException>(() => FromPairs(
            ("Serial:Devices:0:Name", "lab"), ("Serial:Devices:0:Port", "/dev/ttyUSB0"), ("Serial:Devices:0:Profile", "astm-e1394"),
            ("Serial:Devices:1:Name", "LAB"), ("Serial:Devices:1:Port", "/dev/ttyUSB0"), ("Serial:Devices:1:Profile", "astm-e1394")));

        Assert.Contains("Serial:Devices:1:Name: 'LAB' is used by another device", error.Message);
        Assert.Contains("Serial:Devices:1:Port: /dev/ttyUSB0 is used by another device", error.Message);
    }

    [Fact]
    public void Value_of_the_wrong_type_is_reported_with_its_key()
    {
        var error = Assert.Throws<ConfigurationException>(() => FromPairs(("Dicom:Port", "eleven")));

        Assert.Contains("Dicom:Port", error.Message);
    }

    [Fact]
    public void Unknown_key_and_unknown_section_are_reported()
    {
        var error = Assert.Throws<ConfigurationException>(() => FromPairs(("Dicom:Prot", "104"), ("Dicon:Port", "104")));

        Assert.Contains("Dicom: unknown key(s) 'Prot'", error.Message);
        Assert.Contains("Dicon: unknown section", error.Message);
    }

    [Fact]
    public void Every_problem_is_reported_at_once()
    {
        var error = Assert.Throws<ConfigurationException>(() => FromPairs(("Dicom:Port", "0"), ("Dicom:MaxAssociations", "0")));

        Assert.Equal(2, error.Problems.Count);
    }

    [Fact]
    public void Malformed_json_names_the_file()
    {
        var path = WriteFile("{ \"Dicom\": { \"Port\": 104, } ");

        var error = Assert.Throws<ConfigurationException>(() => EdgeConfiguration.Load(path));

        Assert.Contains(path, error.Message);
    }

    [Fact]
    public void Missing_file_is_reported()
    {
        var error = Assert.Throws<ConfigurationException>(() => EdgeConfiguration.Load(Path.Combine(_folder, "absent.json")));

        Assert.Contains("no such file", error.Message);
    }
}
