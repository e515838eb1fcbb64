import { useEffect, useState } from 'preact/hooks';
import { useI18n } from '../i18n/context.js';
import { currentCustomer, type CallContext, type ConsoleAction } from '../state/console-state.js';
import { CandidateList } from './CandidateList.js';
import { CustomerEditForm } from './CustomerEditForm.js';
import { CustomerHistory } from './CustomerHistory.js';
import { CustomerProfile } from './CustomerProfile.js';
import { NewCustomerForm } from './NewCustomerForm.js';

/** The customer side of the pop: one match, a pick among several, a new customer, or the CRM's absence. */
export function CustomerPanel({ call, dispatch }: { call: CallContext; dispatch: (action: ConsoleAction) => void }) {
  const { t } = useI18n();
  const [editing, setEditing] = useState(false);
  useEffect(() => setEditing(false), [call.callId]);
  const { pop } = call;
  if (!pop) return null;
  const current = currentCustomer(call);

  let body;
  if (pop.crm === 'unavailable' && !current) {
    body = (
      <p class="notice warn" role="note" data-testid="crm-unavailable">
        {t.customer.crmUnavailable}
      </p>
    );
  } else if (current) {
    body = (
      <>
        {call.pickedCustomerId !== null && <p class="pill ok">{t.customer.picked}</p>}
        {editing ? (
          <CustomerEditForm
            customer={current.customer}
            onCancel={() => setEditing(false)}
            onSaved={(customer) => {
              dispatch({ type: 'customer', customer });
              setEditing(false);
            }}
          />
        ) : (
          <CustomerProfile candidate={current} onEdit={() => setEditing(true)} />
        )}
        <CustomerHistory candidate={current} />
      </>
    );
  } else if (pop.match === 'several') {
    body = <CandidateList candidates={pop.candidates} onPicked={(customerId) => dispatch({ type: 'picked', customerId })} />;
  } else {
    body = (
      <>
        <p>
          <strong>{t.customer.unknown}</strong>
          {pop.caller.kind === 'withheld' && <span class="muted"> · {t.customer.withheldNoForm}</span>}
        </p>
        <NewCustomerForm pop={pop} onCreated={(customer) => dispatch({ type: 'customer', customer, pick: true })} />
      </>
    );
  }

  return (
    <section class="card customer" aria-labelledby="customer-heading" data-testid="customer-panel">
      <h2 id="customer-heading">{t.customer.heading}</h2>
      {body}
    </section>
  );
}
