"""What the cashier's and the manager's views both use: the background job and its liveness
guard, the table model, printing, and the receipt as drawn on screen and paper."""
