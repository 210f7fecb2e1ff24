namespace SecretRotation.RotatingClients;

/// <summary>What the registry reads from a rotating client of any type.</summary>
internal interface IRotatingClientState
{
    RotatingClientStatus Status { get; }
}
