namespace HiApi.Bench.Hosting;

/// <summary>What the emulator received during one scenario, by kind.</summary>
internal sealed record RequestCounts(int Creates, int Gets, int Downloads, int Other)
{
    public int Total => Creates + Gets + Downloads + Other;

    public static RequestCounts From(IEnumerable<EmulatorRequest> requests)
    {
        int creates = 0, gets = 0, downloads = 0, other = 0;
        foreach (var request in requests)
        {
            switch (request.Kind)
            {
                case "create": creates++; break;
                case "get": gets++; break;
                case "download": downloads++; break;
                default: other++; break;
            }
        }

        return new RequestCounts(creates, gets, downloads, other);
    }
}
