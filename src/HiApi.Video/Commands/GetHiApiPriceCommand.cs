using System.Management.Automation;
using HiApi.Client;
using HiApi.Video.Infrastructure;

namespace HiApi.Video.Commands;

/// <summary>
/// Get-HiApiPrice: HiAPI's public price list (GET /api/pricing, no key), one object per model with its price per
/// generated second and the policies that change it. Read once per session and API root (kept an hour); -Refresh
/// reads it again. A model the list lacks, or a row this module does not understand, is a HiApi.PriceUnknown error:
/// no price is ever guessed. Prices are public prices before any account discount.
/// </summary>
[Cmdlet(VerbsCommon.Get, "HiApiPrice")]
[OutputType(typeof(ModelPrice))]
public sealed class GetHiApiPriceCommand : HiApiCommandBase
{
    private readonly HashSet<string> _written = new(StringComparer.Ordinal);
    private PriceList? _priceList;
    private bool _unreadable;
    private int _notUnderstood;

    /// <summary>
    /// The models to show, wildcards allowed; by default the two this module submits to. Takes the Model property of
    /// piped objects, such as tasks.
    /// </summary>
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(ModelCompleter))]
    public string[] Model { get; set; } = Array.Empty<string>();

    /// <summary>Read the price list again instead of using the one this session already read.</summary>
    [Parameter]
    public SwitchParameter Refresh { get; set; }

    protected override void BeginProcessing()
    {
        if (ApiKey is not null)
        {
            WriteVerbose("The key is not sent: HiAPI's price list is public.");
        }
    }

    protected override void ProcessRecord()
    {
        if (_unreadable || ReadPriceList() is not { } list)
        {
            return;
        }

        foreach (var name in Model.Length > 0 ? Model : HiApiModels.All)
        {
            if (WildcardPattern.ContainsWildcardCharacters(name))
            {
                WriteMatching(list, new WildcardPattern(name, WildcardOptions.IgnoreCase));
            }
            else
            {
                ModelPrice price;
                try
                {
                    price = list.GetModel(name);
                }
                catch (HiApiException unknown)
                {
                    // Once per name, however often the pipeline asks for it.
                    if (_written.Add(name))
                    {
                        WriteHiApiError(unknown, name);
                    }

                    continue;
                }

                Write(price);
            }
        }
    }

    protected override void EndProcessing()
    {
        if (_notUnderstood > 0)
        {
            WriteWarning($"{_notUnderstood} model(s) matching -Model have a price row this module does not understand, so they price nothing; -Verbose names them.");
        }
    }

    private PriceList? ReadPriceList()
    {
        if (_priceList is not null)
        {
            return _priceList;
        }

        var client = new PriceListClient(CreateOptions(readKey: false));
        try
        {
            _priceList = Run(token => PriceListCache.Shared.GetAsync(client, Refresh.IsPresent, token));
            WriteVerbose($"{client.PriceListUri}: {_priceList.RowCount} row(s), {_priceList.Models.Count} understood, read {UtcText.TimeOfDay(_priceList.RetrievedAt)}.");
            return _priceList;
        }
        catch (HiApiException unreadable)
        {
            _unreadable = true;
            WriteHiApiError(unreadable, client.PriceListUri);
            return null;
        }
    }

    private void WriteMatching(PriceList list, WildcardPattern pattern)
    {
        var matched = false;
        foreach (var price in list.Models.Where(price => pattern.IsMatch(price.Model)))
        {
            matched = true;
            Write(price);
        }

        foreach (var problem in list.Problems.Where(problem => problem.Model is { } name && pattern.IsMatch(name)))
        {
            matched = true;
            if (_written.Add(problem.Model!))
            {
                _notUnderstood++;
                WriteVerbose($"Not understood, prices nothing: {problem}.");
            }
        }

        if (!matched)
        {
            WriteVerbose($"No model in the price list matches '{pattern}'.");
        }
    }

    private void Write(ModelPrice price)
    {
        if (_written.Add(price.Model))
        {
            WriteObject(price);
        }
    }
}
