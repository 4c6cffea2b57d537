namespace HiApi.Contract.Tests.Support;

/// <summary>Theory rows for every server times every case.</summary>
public static class Across
{
    public static TheoryData<string, string, string> Servers(IEnumerable<(string Body, string Message)> cases)
    {
        var data = new TheoryData<string, string, string>();
        foreach (var server in ContractServer.All)
        {
            foreach (var (body, message) in cases)
            {
                data.Add(server, body, message);
            }
        }

        return data;
    }
}
