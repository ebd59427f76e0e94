namespace Imaging.Edge.Gateway.Configuration;

/// <summary>Section <c>Gateway</c>: who this box is and where it keeps its data.</summary>
internal sealed class GatewayOptions
{
    public const string Section = "Gateway";

    public string SiteId { get; set; } = "site";
    public string GatewayId { get; set; } = "gateway";

    /// <summary>Relative paths are taken from the working directory: <c>./var</c> in a checkout.</summary>
    public string DataDir { get; set; } = "./var";

    /// <summary>File holding the site secret that keys the pseudonyms; empty: a systemd credential, else generated in the data folder.</summary>
    public string? SiteSecretFile { get; set; }
}
