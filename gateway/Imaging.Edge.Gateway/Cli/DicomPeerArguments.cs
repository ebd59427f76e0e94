using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Imaging.Edge.Dicom.Network;
using Imaging.Edge.Dicom.Network.Tls;
using Imaging.Edge.Gateway.Configuration;

namespace Imaging.Edge.Gateway.Cli;

/// <summary>HOST PORT [--aet] [--aec], shared by <c>echo</c> and <c>send</c>: the parser checks the port and the AE titles.</summary>
internal sealed class DicomPeerArguments
{
    public Argument<string> Host { get; } = new("HOST") { Description = "The DICOM peer's host name or IP address." };

    public Argument<int> Port { get; } = new("PORT")
    {
        Description = "The peer's DICOM port (often 104 or 11112).",
        CustomParser = result =>
        {
            var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : "";
            if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is >= 1 and <= 65535)
                return port;
            result.AddError($"PORT must be between 1 and 65535 (was '{text}')");
            return 0;
        },
    };

    public Option<string> CallingAeTitle { get; } = AeTitle("--aet", "IMAGING_EDGE", "Our AE title (calling), as the peer knows it.");

    public Option<string> CalledAeTitle { get; } = AeTitle("--aec", "ANY-SCP", "The peer's AE title (called).");

    public Option<bool> Tls { get; } = new("--tls") { Description = "Connect over TLS (the peer's TLS port, often 2762); the peer's certificate must be trusted (--tls-ca, else the system's CAs)." };

    public Option<FileInfo> TlsCa { get; } = new("--tls-ca") { Description = "PEM file of the CA(s) that sign the peer's certificate (implies --tls).", HelpName = "FILE" };

    public Option<FileInfo> TlsCertificate { get; } = new("--tls-cert") { Description = "PEM file of our client certificate, for peers that require one (with --tls-key).", HelpName = "FILE" };

    public Option<FileInfo> TlsKey { get; } = new("--tls-key") { Description = "PEM file of our client certificate's private key (unencrypted).", HelpName = "FILE" };

    public void AddTo(Command command)
    {
        command.Add(Host);
        command.Add(Port);
        command.Add(CallingAeTitle);
        command.Add(CalledAeTitle);
        command.Add(Tls);
        command.Add(TlsCa);
        command.Add(TlsCertificate);
        command.Add(TlsKey);
    }

    public DicomClientOptions Options(ParseResult parse) => new()
    {
        Host = parse.GetRequiredValue(Host),
        Port = parse.GetValue(Port),
        CallingAeTitle = parse.GetRequiredValue(CallingAeTitle),
        CalledAeTitle = parse.GetRequiredValue(CalledAeTitle),
        Tls = ClientTls(parse),
    };

    /// <summary>TLS as asked on the command line; null for plain TCP. Unreadable files are a usage error naming the option.</summary>
    private ClientTls? ClientTls(ParseResult parse)
    {
        var ca = parse.GetValue(TlsCa);
        var certificate = parse.GetValue(TlsCertificate);
        var key = parse.GetValue(TlsKey);
        if (!parse.GetValue(Tls) && ca is null && certificate is null && key is null)
            return null;
        if ((certificate is null) != (key is null))
            throw new UsageException("--tls-cert and --tls-key: give both or neither");
        try
        {
            X509Certificate2Collection? trusted = null;
            if (ca is not null)
            {
                trusted = [];
                trusted.ImportFromPemFile(ca.FullName);
                if (trusted.Count == 0) throw new UsageException($"--tls-ca: no PEM certificate in {ca.FullName}");
            }
            return new ClientTls
            {
                TrustedCa = trusted,
                Certificate = certificate is null ? null : X509Certificate2.CreateFromPemFile(certificate.FullName, key!.FullName),
            };
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException or ArgumentException)
        {
            throw new UsageException($"--tls-ca/--tls-cert/--tls-key: cannot be used: {e.GetType().Name}: {e.Message}");
        }
    }

    private static Option<string> AeTitle(string name, string defaultValue, string description)
    {
        var option = new Option<string>(name) { Description = description, HelpName = "AE", DefaultValueFactory = _ => defaultValue };
        option.Validators.Add(result =>
        {
            var value = result.GetValueOrDefault<string>();
            if (!OptionsValidator.IsAeTitle(value))
                result.AddError($"{name}: not an AE title: '{value}'");
        });
        return option;
    }
}
