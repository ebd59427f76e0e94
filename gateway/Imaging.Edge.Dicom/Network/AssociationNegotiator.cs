using System.Net;
using Imaging.Edge.Dicom.Data;
using Imaging.Edge.Dicom.Files;
using Imaging.Edge.Dicom.Network.Pdus;

namespace Imaging.Edge.Dicom.Network;

/// <summary>A presentation context the acceptor agreed to: what may be sent on it and how it is encoded.</summary>
public sealed record AcceptedContext(byte Id, string AbstractSyntax, TransferSyntax TransferSyntax);

/// <summary>The acceptor's answer to an A-ASSOCIATE-RQ: an A-ASSOCIATE-AC with its contexts, or an A-ASSOCIATE-RJ.</summary>
internal sealed record NegotiationOutcome(
    AssociateAcceptPdu? Accept,
    IReadOnlyDictionary<byte, AcceptedContext> Contexts,
    AssociateRejectPdu? Reject,
    string? RejectDescription);

/// <summary>
/// Decides whether to accept an association and which presentation contexts to accept (PS3.8 §9.3.2–9.3.4,
/// PS3.7 Annex D.3.3). Pure: the decision depends only on the request, the options, the caller's address and
/// whether the association limit is reached.
/// </summary>
internal static class AssociationNegotiator
{
    public static NegotiationOutcome Negotiate(AssociateRequestPdu request, DicomServerOptions options, IPAddress remoteAddress, bool atAssociationLimit)
    {
        if (request.ApplicationContextName != WellKnownUids.ApplicationContext)
            return Rejected(RejectResult.Permanent, RejectSource.ServiceUser, RejectReasons.ApplicationContextNameNotSupported, "application context not supported");
        if (!string.Equals(request.CalledAeTitle, options.AeTitle, StringComparison.Ordinal))
            return Rejected(RejectResult.Permanent, RejectSource.ServiceUser, RejectReasons.CalledAeTitleNotRecognized, "called AE title not recognised");
        // The A-ASSOCIATE-AC echoes the calling AE title: one with control characters (or none) is refused here, not
        // half-way through writing the answer.
        if (!WireText.IsValidAeTitle(request.CallingAeTitle))
            return Rejected(RejectResult.Permanent, RejectSource.ServiceUser, RejectReasons.CallingAeTitleNotRecognized, "calling AE title is not a valid AE title");
        if (!options.AllowUnknownCallers && !IsKnownCaller(request.CallingAeTitle, remoteAddress, options.KnownCallers))
            return Rejected(RejectResult.Permanent, RejectSource.ServiceUser, RejectReasons.CallingAeTitleNotRecognized, "calling AE title not recognised");
        if (atAssociationLimit)
            return Rejected(RejectResult.Transient, RejectSource.ServiceProviderPresentation, RejectReasons.LocalLimitExceeded, "too many associations");

        var results = new List<PresentationContextResult>(request.PresentationContexts.Count);
        var accepted = new Dictionary<byte, AcceptedContext>();
        foreach (var proposal in request.PresentationContexts)
        {
            var result = Evaluate(proposal, options);
            results.Add(result);
            if (result.Result == PresentationContextResultReason.Acceptance && TransferSyntax.TryGet(result.TransferSyntax, out var syntax))
                accepted[proposal.Id] = new AcceptedContext(proposal.Id, proposal.AbstractSyntax, syntax);
        }

        var acceptedSyntaxes = accepted.Values.Select(c => c.AbstractSyntax).ToHashSet(StringComparer.Ordinal);
        var proposedUser = request.UserInformation;
        var userInformation = new UserInformation
        {
            MaxPduLength = options.MaxPduLength,
            ImplementationClassUid = ImplementationInfo.ClassUid,
            ImplementationVersionName = ImplementationInfo.VersionName,
            // We perform one operation at a time; answering 1/1 is what PS3.7 §D.3.3.3 expects of such an acceptor.
            AsyncOperationsWindow = proposedUser.AsyncOperationsWindow is null ? null : new AsyncOperationsWindow(1, 1),
            // We act as SCP only: the caller may take the SCU role it asked for, never the SCP role (PS3.7 §D.3.3.4).
            RoleSelections = proposedUser.RoleSelections
                .Where(r => acceptedSyntaxes.Contains(r.SopClassUid))
                .Select(r => new RoleSelection(r.SopClassUid, ScuRole: r.ScuRole, ScpRole: false))
                .ToList(),
        };
        var accept = new AssociateAcceptPdu(request.CalledAeTitle, request.CallingAeTitle, WellKnownUids.ApplicationContext, results, userInformation);
        return new NegotiationOutcome(accept, accepted, null, null);
    }

    private static PresentationContextResult Evaluate(PresentationContextProposal proposal, DicomServerOptions options)
    {
        var abstractSyntax = proposal.AbstractSyntax;
        var supported = abstractSyntax == WellKnownUids.Verification
            || StorageSopClasses.IsStorage(abstractSyntax)
            || options.ExtraSopClasses.Contains(abstractSyntax);
        if (!supported)
            return new PresentationContextResult(proposal.Id, PresentationContextResultReason.AbstractSyntaxNotSupported, "");

        // Data sets are stored exactly as received, so any standard transfer syntax will do; the caller lists its
        // preference first, and honouring it spares the caller a conversion.
        foreach (var uid in proposal.TransferSyntaxes)
        {
            if (TransferSyntax.TryGet(uid, out var syntax))
                return new PresentationContextResult(proposal.Id, PresentationContextResultReason.Acceptance, syntax.Uid);
        }
        return new PresentationContextResult(proposal.Id, PresentationContextResultReason.TransferSyntaxesNotSupported, "");
    }

    private static bool IsKnownCaller(string callingAeTitle, IPAddress remoteAddress, IReadOnlyList<KnownCaller> callers)
    {
        var address = remoteAddress.IsIPv4MappedToIPv6 ? remoteAddress.MapToIPv4() : remoteAddress;
        foreach (var caller in callers)
        {
            if (string.Equals(caller.AeTitle, callingAeTitle, StringComparison.Ordinal)
                && (caller.Host is null || caller.Host.Equals(address)))
                return true;
        }
        return false;
    }

    /// <summary>A caller refused for a reason found outside the request (its TLS certificate): calling AE title not recognised.</summary>
    public static NegotiationOutcome RejectCaller(string description) =>
        Rejected(RejectResult.Permanent, RejectSource.ServiceUser, RejectReasons.CallingAeTitleNotRecognized, description);

    private static NegotiationOutcome Rejected(RejectResult result, RejectSource source, byte reason, string description) =>
        new(null, new Dictionary<byte, AcceptedContext>(), new AssociateRejectPdu(result, source, reason), description);
}
