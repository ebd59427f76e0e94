namespace Imaging.Edge.Devices.Link.Astm;

/// <summary>Where the receiver sees the end of a message whose acknowledgement it defers.</summary>
internal enum AstmMessageBoundary
{
    /// <summary>Each ETX frame ends a message (LIS01-A2's own notion of a message).</summary>
    EtxFrame,
    /// <summary>
    /// A message ends with the ETX frame whose text ends with an E1394 terminator record (<c>L</c> + field delimiter
    /// … CR). Most analysers send one record per ETX frame; only the frame carrying L has its ACK deferred.
    /// </summary>
    TerminatorRecord,
}
